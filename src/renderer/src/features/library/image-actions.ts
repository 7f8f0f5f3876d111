import { create } from 'zustand';
import type { ImageSummary } from '../../../../shared/api/library.ts';
import { call } from '../../bridge/api.ts';
import { messageOf } from '../../lib/errors.ts';
import { useCompose } from '../compose/compose-store.ts';
import { useRemix } from '../remix/remix-store.ts';
import { applyLibraryChange, ownEdit } from './library-changes.ts';

/** The one notice after an action that can be taken back (trashing), or that failed. */
export interface ActionNotice {
  text: string;
  ok: boolean;
  /** Present while the action can still be undone. */
  undo?: () => Promise<void>;
  /** Bumped per notice, so a timer set for an older one leaves a newer one alone. */
  serial: number;
}

export const useActionNotice = create<{
  notice: ActionNotice | null;
  show(notice: Omit<ActionNotice, 'serial'>): void;
  dismiss(): void;
}>()((set, get) => ({
  notice: null,
  show: (notice) => set({ notice: { ...notice, serial: (get().notice?.serial ?? 0) + 1 } }),
  dismiss: () => set({ notice: null }),
}));

const count = (n: number) => `${n} image${n === 1 ? '' : 's'}`;

async function run(action: () => Promise<unknown>, ids: string[]): Promise<boolean> {
  try {
    await applyLibraryChange(ownEdit(ids, await action()));
    return true;
  } catch (error) {
    useActionNotice.getState().show({ ok: false, text: messageOf(error) });
    return false;
  }
}

/** Moves images to the trash and offers to take it back: the one undo a designer needs most. */
export async function trashWithUndo(ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  if (!(await run(() => call('library:trash', { ids }), ids))) return;
  useActionNotice.getState().show({
    ok: true,
    text: `${count(ids.length)} moved to the trash.`,
    undo: async () => {
      if (await run(() => call('library:restore', { ids }), ids)) {
        useActionNotice.getState().show({ ok: true, text: `${count(ids.length)} back from the trash.` });
      }
    },
  });
}

export function rateImages(ids: string[], rating: number): Promise<boolean> {
  return run(() => call('library:setRating', { ids, rating }), ids);
}

/** Favourites all of them, or, when every one is a favourite already, takes them all out. */
export function toggleFavourite(items: Pick<ImageSummary, 'id' | 'favorite'>[]): Promise<boolean> {
  const ids = items.map((item) => item.id);
  const favorite = !items.every((item) => item.favorite);
  return run(() => call('library:setFavorite', { ids, favorite }), ids);
}

/** Puts the image in the remix form as its source, with its prompt to start from. */
export function remixImage(image: Pick<ImageSummary, 'id' | 'sha256' | 'bytes' | 'prompt'>): boolean {
  const ref = useRemix.getState().addLibraryImage('image', {
    id: image.id,
    sha256: image.sha256,
    bytes: image.bytes,
    prompt: image.prompt,
  });
  if (!ref) return false;
  const compose = useCompose.getState();
  const previous = compose.drafts['ideogram-3-remix'] ?? {};
  compose.useSettingsOf('ideogram-3-remix', { ...previous, prompt: image.prompt, image: ref });
  return true;
}

/**
 * The single-key shortcuts shared by the grid and the image views: 1-5 rate (0 clears), F favourites,
 * R remixes, Delete (or Backspace on a Mac keyboard) trashes. Keys with Ctrl, Cmd or Alt are left to
 * the browser and the app. Returns the action's promise when the key was one of ours, else null.
 */
export function imageShortcut(
  event: { key: string; ctrlKey: boolean; metaKey: boolean; altKey: boolean },
  items: ImageSummary[],
  options: { trashed: boolean; onRemix?: () => void },
): Promise<unknown> | null {
  if (event.ctrlKey || event.metaKey || event.altKey || items.length === 0) return null;
  const ids = items.map((item) => item.id);
  if (/^[0-5]$/.test(event.key)) return rateImages(ids, Number(event.key));
  const key = event.key.toLowerCase();
  if (key === 'f') return toggleFavourite(items);
  if (key === 'r' && items.length === 1) {
    if (remixImage(items[0]!)) options.onRemix?.();
    return Promise.resolve();
  }
  if ((event.key === 'Delete' || event.key === 'Backspace') && !options.trashed) return trashWithUndo(ids);
  return null;
}
