import { create } from 'zustand';
import type { ImageSummary, LibraryQuery, LibrarySort } from '../../../../shared/api/library.ts';
import { call } from '../../bridge/api.ts';
import { messageOf } from '../../lib/errors.ts';
import { nextSelection } from './selection.ts';

/** The filters the toolbar edits; paging fields are the store's business. */
export interface LibraryFilters {
  search: string;
  model: string;
  favorite: boolean;
  minRating: number;
  orientation: '' | 'landscape' | 'portrait' | 'square';
  textStatus: '' | 'attention' | 'ok';
  tag: string;
  collectionId: number | null;
  trashed: boolean;
  sort: LibrarySort;
}

export const defaultFilters: LibraryFilters = {
  search: '',
  model: '',
  favorite: false,
  minRating: 0,
  orientation: '',
  textStatus: '',
  tag: '',
  collectionId: null,
  trashed: false,
  sort: 'newest',
};

const PAGE = 200;
const BIG_PAGE = 500;

interface LibraryState {
  filters: LibraryFilters;
  /** A prefix of the result: pages come by cursor, in order. */
  items: ImageSummary[];
  /**
   * Bumped when pages are appended to `items` in place. Copying a 100k array per page made enough
   * garbage for collector pauses while paging to the end; readers select this to re-render.
   */
  itemsVersion: number;
  total: number | null;
  nextCursor: string | null;
  loading: boolean;
  error: string | null;
  /** Bumped on every new query, so answers to an older one are dropped. */
  generation: number;
  /** Bumped whenever the shown images change, so pickers built from them (tags, collections) refresh. */
  revision: number;
  /** Set once the first page of the current query has arrived. */
  firstPaintAt: number | null;
  /** Selected image ids; `anchor` is where a shift-click range starts. */
  selected: Set<string>;
  anchor: number | null;
  focusIndex: number;
  setFilters(patch: Partial<LibraryFilters>): void;
  select(index: number, how: { range: boolean; toggle: boolean }): void;
  selectAll(): void;
  clearSelection(): void;
  setFocusIndex(index: number): void;
  reload(): Promise<void>;
  ensureLoaded(index: number): Promise<void>;
  patchItems(ids: string[], patch: (item: ImageSummary) => ImageSummary | null): void;
}

export function toQuery(filters: LibraryFilters): LibraryQuery {
  const query: LibraryQuery = { sort: filters.sort, trashed: filters.trashed };
  if (filters.search.trim()) query.search = filters.search.trim();
  if (filters.model) query.model = filters.model;
  if (filters.favorite) query.favorite = true;
  if (filters.minRating > 0) query.minRating = filters.minRating;
  if (filters.orientation) query.orientation = filters.orientation;
  if (filters.textStatus) query.textStatus = filters.textStatus;
  if (filters.tag) query.tag = filters.tag;
  if (filters.collectionId !== null) query.collectionId = filters.collectionId;
  return query;
}

export const useLibrary = create<LibraryState>()((set, get) => ({
  filters: defaultFilters,
  items: [],
  itemsVersion: 0,
  total: null,
  nextCursor: null,
  loading: false,
  error: null,
  generation: 0,
  revision: 0,
  firstPaintAt: null,
  selected: new Set(),
  anchor: null,
  focusIndex: 0,
  setFilters(patch) {
    set({ filters: { ...get().filters, ...patch }, selected: new Set(), anchor: null, focusIndex: 0 });
    void get().reload();
  },
  select(index, how) {
    const { items, selected, anchor } = get();
    const next = nextSelection(
      items.map((item) => item.id),
      { selected, anchor },
      index,
      how,
    );
    if (next) set({ ...next, focusIndex: index });
  },
  selectAll() {
    set({ selected: new Set(get().items.map((item) => item.id)) });
  },
  clearSelection() {
    set({ selected: new Set(), anchor: null });
  },
  setFocusIndex(index) {
    set({ focusIndex: index });
  },
  async reload() {
    const generation = get().generation + 1;
    set({ generation, loading: true, error: null });
    try {
      const page = await call('library:list', { ...toQuery(get().filters), limit: PAGE });
      if (get().generation !== generation) return;
      const ids = new Set(page.items.map((item) => item.id));
      const kept = new Set([...get().selected].filter((id) => ids.has(id)));
      set({
        revision: get().revision + 1,
        selected: kept.size === get().selected.size ? get().selected : kept,
        items: page.items,
        total: page.total ?? page.items.length,
        nextCursor: page.nextCursor,
        loading: false,
        firstPaintAt: get().firstPaintAt ?? performance.now(),
      });
    } catch (error) {
      if (get().generation === generation) set({ loading: false, error: messageOf(error) });
    }
  },
  async ensureLoaded(index) {
    const state = get();
    if (state.loading || !state.nextCursor || index < state.items.length) return;
    const generation = state.generation;
    set({ loading: true });
    try {
      const far = index - state.items.length > PAGE;
      const page = await call('library:list', {
        ...toQuery(state.filters),
        cursor: state.nextCursor,
        limit: far ? BIG_PAGE : PAGE,
      });
      if (get().generation !== generation) return;
      const items = get().items;
      for (const item of page.items) items.push(item);
      set({ itemsVersion: get().itemsVersion + 1, nextCursor: page.nextCursor, loading: false });
      // A jump down the scrollbar may need several pages; keep going until the target is there.
      if (index >= items.length && page.nextCursor) await get().ensureLoaded(index);
    } catch (error) {
      if (get().generation === generation) set({ loading: false, error: messageOf(error) });
    }
  },
  patchItems(ids, patch) {
    const wanted = new Set(ids);
    let removed = 0;
    const items: ImageSummary[] = [];
    for (const item of get().items) {
      if (!wanted.has(item.id)) {
        items.push(item);
        continue;
      }
      const next = patch(item);
      if (next) items.push(next);
      else removed++;
    }
    const total = get().total;
    set({ items, total: total === null ? null : total - removed, revision: get().revision + 1 });
  },
}));

let reloadTimer: ReturnType<typeof setTimeout> | undefined;

/** Changes come in bursts (a batch of images, a bulk edit): refresh once per burst. */
export function scheduleReload(delayMs = 150): void {
  clearTimeout(reloadTimer);
  reloadTimer = setTimeout(() => void useLibrary.getState().reload(), delayMs);
}
