import type { ChangedImage, LibraryChange, Updated } from '../../../../shared/api/library.ts';
import { call, on } from '../../bridge/api.ts';
import { scheduleReload, toQuery, useLibrary, type LibraryFilters } from './library-store.ts';

let addedTimer: ReturnType<typeof setTimeout> | undefined;

/** New images arrive in bursts (a batch finishing): take them in once per burst. */
export function scheduleAdded(delayMs = 150): void {
  clearTimeout(addedTimer);
  addedTimer = setTimeout(() => void takeInAdded(), delayMs);
}

/**
 * Newest-first without a search, new images can only be at the top: fetch the first page and put
 * what is new in front, so a user scrolled deep into the grid keeps the images already loaded.
 * Any other order, or more news than one page, reloads.
 */
async function takeInAdded(): Promise<void> {
  const { filters, generation, itemAt } = useLibrary.getState();
  const first = itemAt(0);
  if (filters.sort !== 'newest' || filters.search.trim() || !first) {
    await useLibrary.getState().reload();
    return;
  }
  try {
    const page = await call('library:list', { ...toQuery(filters), limit: 200 });
    const state = useLibrary.getState();
    // A reload that landed meanwhile (an import schedules one) already brought the new images.
    if (state.generation !== generation || state.itemAt(0)?.id !== first.id) return;
    const known = page.items.findIndex((item) => item.id === first.id);
    if (known < 0) {
      await state.reload();
      return;
    }
    const fresh = page.items.slice(0, known);
    if (fresh.length === 0) return;
    state.insertAtTop(fresh, page.totalCapped ? undefined : page.total);
  } catch {
    await useLibrary.getState().reload();
  }
}

/** Whether an image as a change left it still belongs in the grid the user is looking at. */
function matches(filters: LibraryFilters, image: ChangedImage): boolean {
  return (
    (image.trashedAt !== null) === filters.trashed &&
    (!filters.favorite || image.favorite) &&
    image.rating >= filters.minRating &&
    (!filters.model || image.model === filters.model) &&
    (!filters.textStatus || image.textStatus === filters.textStatus) &&
    (!filters.tag || image.tags.includes(filters.tag)) &&
    (filters.collectionId === null || image.collectionIds.includes(filters.collectionId))
  );
}

/**
 * The change one of the page's own edits made, from main's answer: the images it changed, as it
 * left them. An answer without them (an edit of more images than main carries) names the ids asked
 * about, which the grid reloads for anyway.
 */
export function ownEdit(ids: string[], answer: unknown): LibraryChange {
  const images = (answer as Partial<Updated> | undefined)?.images;
  return images
    ? { kind: 'updated', ids: images.map((image) => image.id), images }
    : { kind: 'updated', ids };
}

/**
 * The changed images as they are now: carried by main's event or answer, or else asked for one by
 * one. Missing: gone since.
 */
async function currentImages(change: LibraryChange, ids: string[]): Promise<Map<string, ChangedImage>> {
  if (change.images) {
    return new Map(change.images.map((image) => [image.id, image]));
  }
  const settled = await Promise.allSettled(ids.map((id) => call('library:get', { id })));
  const found = new Map<string, ChangedImage>();
  for (const result of settled) {
    if (result.status !== 'fulfilled') continue;
    const record = result.value;
    found.set(record.id, { ...record, collectionIds: record.collections.map((c) => c.id) });
  }
  return found;
}

/**
 * Brings the grid up to date after a change. Edits to images already on screen are patched in place,
 * so a user deep in a 100k library keeps their place; anything that may move images reloads.
 */
export async function applyLibraryChange(change: LibraryChange): Promise<void> {
  const { window, filters, patchItems } = useLibrary.getState();
  if (change.kind === 'removed') {
    patchItems(change.ids, () => null);
    return;
  }
  const loaded = new Set(window.ids());
  const visible = change.ids.filter((id) => loaded.has(id));
  if (change.kind === 'added') {
    scheduleAdded();
    return;
  }
  // An image coming back into view (restored from the trash, tagged into this filter) is not
  // held yet: only a refresh of the place the user looks at can show it.
  if (filters.sort === 'rating' || visible.length > 100 || visible.length < change.ids.length) {
    scheduleReload();
    return;
  }
  const images = await currentImages(change, visible);
  const current = useLibrary.getState().filters;
  useLibrary.getState().patchItems(visible, (item) => {
    const image = images.get(item.id);
    if (!image || !matches(current, image)) return null;
    return {
      ...item,
      favorite: image.favorite,
      rating: image.rating,
      trashedAt: image.trashedAt,
      prompt: image.prompt,
      textStatus: image.textStatus,
    };
  });
}

export function subscribeLibrary(): () => void {
  return on('library:changed', (change) => void applyLibraryChange(change));
}
