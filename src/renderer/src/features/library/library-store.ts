import { create } from 'zustand';
import {
  libraryLimits,
  type ImageSummary,
  type LibraryPage,
  type LibraryQuery,
  type LibrarySort,
} from '../../../../shared/api/library.ts';
import { call } from '../../bridge/api.ts';
import { messageOf } from '../../lib/errors.ts';
import { ImageWindow, pageSize } from './image-window.ts';
import { nextSelection } from './selection.ts';

/** The filters the toolbar edits; paging fields are the store's business. */
export interface LibraryFilters {
  search: string;
  /** Look in negative prompts too; `negative:word` in the search looks only there. */
  negative: boolean;
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
  negative: false,
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

const tileSizeKey = 'library.tileSize';
export const tileSizes = { min: 100, max: 400, default: 200 } as const;

function storedTileSize(): number {
  const stored = Number(globalThis.localStorage?.getItem(tileSizeKey));
  return Number.isFinite(stored) && stored >= tileSizes.min && stored <= tileSizes.max
    ? stored
    : tileSizes.default;
}

/** Requests for pages in flight at once: a jump asks for the few on screen, never a queue of hundreds. */
const maxInFlight = 3;

interface LibraryState {
  filters: LibraryFilters;
  /** The fetched part of the result, by position (see image-window.ts). */
  window: ImageWindow;
  /** Bumped whenever `window` changes in place; readers select it to re-render. */
  itemsVersion: number;
  /** How many images the result holds, as far as main has said: exact unless totalCapped. */
  total: number | null;
  /** More matches exist than `total`: the grid grows as the user scrolls to them. */
  totalCapped: boolean;
  loading: boolean;
  error: string | null;
  /** Bumped on every new query, so answers to an older one are dropped. */
  generation: number;
  /** Bumped when the filters change: the grid goes back to the top. */
  queryId: number;
  /** Bumped whenever the shown images change, so pickers built from them (tags, collections) refresh. */
  revision: number;
  /** Images put in front of the list by the last take-in, so the grid can keep the user's place. */
  insertedAtTop: { count: number; serial: number };
  /** Row height of the grid, in CSS px (the tile-size control). */
  tileSize: number;
  /** Selected image ids; `anchor` is where a shift-click range starts. */
  selected: Set<string>;
  anchor: number | null;
  focusIndex: number;
  itemAt(index: number): ImageSummary | undefined;
  setFilters(patch: Partial<LibraryFilters>): void;
  setTileSize(size: number): void;
  select(index: number, how: { range: boolean; toggle: boolean }): void;
  selectAll(): Promise<void>;
  clearSelection(): void;
  setFocusIndex(index: number): void;
  /** Fetches the first page again; `keepPlace` also refetches the pages where the user looks. */
  reload(options?: { keepPlace?: boolean }): Promise<void>;
  /** Fetches whatever is missing of positions [from, to]; `center` is where the user looks. */
  ensureRange(from: number, to: number, center?: number): void;
  /** Resolves with the image at a position, fetching its page if needed. */
  load(index: number): Promise<ImageSummary | undefined>;
  /**
   * For a result counted only up to the cap ("over 1,000"): finds where it really ends, so End and a
   * drag to the bottom reach the last match. Pages at doubling offsets: a few requests for 50,000.
   */
  findEnd(): Promise<number>;
  patchItems(ids: string[], patch: (item: ImageSummary) => ImageSummary | null): void;
  insertAtTop(items: ImageSummary[], total: number | undefined): void;
}

export function toQuery(filters: LibraryFilters): LibraryQuery {
  const query: LibraryQuery = { sort: filters.sort, trashed: filters.trashed };
  // The trailing space is kept: it says the last word is finished (matched whole, not as a prefix).
  if (filters.search.trim()) {
    query.search = filters.search.trimStart();
    if (filters.negative) query.negative = true;
  }
  if (filters.model) query.model = filters.model;
  if (filters.favorite) query.favorite = true;
  if (filters.minRating > 0) query.minRating = filters.minRating;
  if (filters.orientation) query.orientation = filters.orientation;
  if (filters.textStatus) query.textStatus = filters.textStatus;
  if (filters.tag) query.tag = filters.tag;
  if (filters.collectionId !== null) query.collectionId = filters.collectionId;
  return query;
}

/**
 * The first page is asked for without an offset: main serves a plain first page before its SQL
 * thread is up, which is what makes the grid paint at once after start.
 */
const at = (offset: number) => (offset > 0 ? { offset } : {});

export const useLibrary = create<LibraryState>()((set, get) => {
  const inFlight = new Map<number, Promise<void>>();
  let center = 0;

  /** What a page says about the size of the result: an exact count, or at least this many. */
  function learnTotal(page: LibraryPage, offset: number, before = get().total ?? 0): Partial<LibraryState> {
    const known = offset + page.items.length;
    if (page.total === undefined) {
      return { total: Math.max(before, known), totalCapped: page.nextCursor !== null };
    }
    if (!page.totalCapped) return { total: page.total, totalCapped: false };
    return { total: Math.max(before, page.total), totalCapped: true };
  }

  function fetchPage(page: number): Promise<void> {
    const running = inFlight.get(page);
    if (running) return running;
    const generation = get().generation;
    const offset = page * pageSize;
    const request = call('library:list', { ...toQuery(get().filters), ...at(offset), limit: pageSize })
      .then((answer) => {
        if (get().generation !== generation) return;
        const { window } = get();
        window.put(offset, answer.items);
        window.evict(center);
        set({ ...learnTotal(answer, offset), itemsVersion: get().itemsVersion + 1, error: null });
      })
      .catch((error: unknown) => {
        if (get().generation === generation) set({ error: messageOf(error) });
      })
      .finally(() => inFlight.delete(page));
    inFlight.set(page, request);
    return request;
  }

  return {
    filters: defaultFilters,
    window: new ImageWindow(),
    itemsVersion: 0,
    total: null,
    totalCapped: false,
    loading: false,
    error: null,
    generation: 0,
    queryId: 0,
    revision: 0,
    insertedAtTop: { count: 0, serial: 0 },
    tileSize: storedTileSize(),
    selected: new Set(),
    anchor: null,
    focusIndex: 0,
    itemAt: (index) => get().window.at(index),
    setFilters(patch) {
      set({
        filters: { ...get().filters, ...patch },
        selected: new Set(),
        anchor: null,
        focusIndex: 0,
        queryId: get().queryId + 1,
      });
      void get().reload();
    },
    setTileSize(size) {
      const tileSize = Math.round(Math.min(tileSizes.max, Math.max(tileSizes.min, size)));
      globalThis.localStorage?.setItem(tileSizeKey, String(tileSize));
      set({ tileSize });
    },
    select(index, how) {
      const { window, selected, anchor } = get();
      const next = nextSelection((i) => window.at(i)?.id, { selected, anchor }, index, how);
      if (next) set({ ...next, focusIndex: index });
    },
    async selectAll() {
      const { total, totalCapped, window, filters, generation } = get();
      set({ selected: new Set(window.ids()) });
      // The whole result when a bulk action could take it; otherwise what is fetched.
      if (total === null || totalCapped || total > libraryLimits.maxBulkIds || window.size >= total) return;
      const ids: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await call('library:list', {
          ...toQuery(filters),
          limit: libraryLimits.maxPageSize,
          ...(cursor ? { cursor } : {}),
        });
        ids.push(...page.items.map((item) => item.id));
        cursor = page.nextCursor ?? undefined;
      } while (cursor && ids.length < libraryLimits.maxBulkIds);
      if (get().generation === generation) set({ selected: new Set(ids) });
    },
    clearSelection() {
      set({ selected: new Set(), anchor: null });
    },
    setFocusIndex(index) {
      set({ focusIndex: index });
    },
    async reload(options = {}) {
      const generation = get().generation + 1;
      inFlight.clear();
      set({ generation, loading: true, error: null });
      const query = toQuery(get().filters);
      // A refresh keeps the user's place: the pages they look at come back with the first one.
      const pages = [0];
      if (options.keepPlace) {
        const here = Math.floor(center / pageSize);
        for (const page of [here - 1, here, here + 1]) if (page > 0) pages.push(page);
      }
      try {
        const answers = await Promise.all(
          pages.map((page) => call('library:list', { ...query, ...at(page * pageSize), limit: pageSize })),
        );
        if (get().generation !== generation) return;
        const window = new ImageWindow();
        answers.forEach((answer, i) => window.put(pages[i]! * pageSize, answer.items));
        const ids = new Set(window.ids());
        const kept = new Set([...get().selected].filter((id) => ids.has(id)));
        set({
          // A new answer: what the previous query counted says nothing about this one.
          ...learnTotal(answers[0]!, 0, 0),
          window,
          itemsVersion: get().itemsVersion + 1,
          revision: get().revision + 1,
          selected: kept.size === get().selected.size ? get().selected : kept,
          loading: false,
        });
      } catch (error) {
        if (get().generation === generation) set({ loading: false, error: messageOf(error) });
      }
    },
    ensureRange(from, to, where) {
      const { total, totalCapped, window, loading } = get();
      if (where !== undefined) center = where;
      if (total === null || loading) return;
      // At the end of a list that has more: the page after the last known one is asked for too.
      const count = totalCapped ? total + 1 : total;
      for (const page of window.missingPages(from, Math.min(to, count - 1), count)) {
        if (inFlight.size >= maxInFlight && !inFlight.has(page)) break;
        void fetchPage(page);
      }
    },
    async load(index) {
      const have = get().window.at(index);
      if (have) return have;
      await fetchPage(Math.floor(index / pageSize));
      return get().window.at(index);
    },
    async findEnd() {
      const generation = get().generation;
      while (get().totalCapped && get().generation === generation) {
        const known = get().total ?? 0;
        const offset = Math.max(pageSize, Math.floor((known * 2) / pageSize) * pageSize);
        const answer = await call('library:list', { ...toQuery(get().filters), offset, limit: pageSize });
        if (get().generation !== generation) break;
        get().window.put(offset, answer.items);
        get().window.evict(offset);
        set({ ...learnTotal(answer, offset), itemsVersion: get().itemsVersion + 1 });
      }
      return get().total ?? 0;
    },
    patchItems(ids, patch) {
      const { touched, removed } = get().window.patch(new Set(ids), patch);
      const total = get().total;
      // The library changed either way (counts, the trash), so the revision moves; the grid renders
      // again only when a held image did. The retention purge removes trashed images every few
      // hundred ms, and a grid re-rendered for each could drop the user's double-click.
      set({
        ...(touched > 0 && { itemsVersion: get().itemsVersion + 1 }),
        total: total === null ? null : total - removed,
        revision: get().revision + 1,
      });
    },
    insertAtTop(items, total) {
      const state = get();
      state.window.insertAtTop(items);
      set({
        itemsVersion: state.itemsVersion + 1,
        total: total ?? (state.total ?? 0) + items.length,
        revision: state.revision + 1,
        insertedAtTop: { count: items.length, serial: state.insertedAtTop.serial + 1 },
        // Selection anchors and keyboard focus are positions: they move down with the images.
        anchor: state.anchor === null ? null : state.anchor + items.length,
        focusIndex: state.focusIndex + items.length,
      });
    },
  };
});

let reloadTimer: ReturnType<typeof setTimeout> | undefined;

/** Changes come in bursts (a batch of images, a bulk edit): refresh once per burst, in place. */
export function scheduleReload(delayMs = 150): void {
  clearTimeout(reloadTimer);
  reloadTimer = setTimeout(() => void useLibrary.getState().reload({ keepPlace: true }), delayMs);
}
