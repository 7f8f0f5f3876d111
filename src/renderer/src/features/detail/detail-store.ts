import { create } from 'zustand';
import type { Collection, ImageRecord } from '../../../../shared/api/library.ts';
import { call } from '../../bridge/api.ts';
import { messageOf } from '../../lib/errors.ts';
import { applyLibraryChange, ownEdit } from '../library/library-changes.ts';

interface DetailState {
  detailId: string | null;
  record: ImageRecord | null;
  loading: boolean;
  error: string | null;
  /** Feedback of the last action (copied, saved...), read out politely. */
  note: string | null;
  /** Two to four images side by side. */
  compareIds: string[] | null;
  compareRecords: ImageRecord[] | null;
  collections: Collection[];
  openDetail(id: string): void;
  closeDetail(): void;
  refresh(): Promise<void>;
  act(action: () => Promise<unknown>, note?: string): Promise<void>;
  setNote(note: string | null): void;
  openCompare(ids: string[]): Promise<void>;
  closeCompare(): void;
  loadCollections(): Promise<void>;
}

export const useDetail = create<DetailState>()((set, get) => ({
  detailId: null,
  record: null,
  loading: false,
  error: null,
  note: null,
  compareIds: null,
  compareRecords: null,
  collections: [],
  openDetail(id) {
    set({ detailId: id, record: get().record?.id === id ? get().record : null, note: null, error: null });
    void get().refresh();
    void get().loadCollections();
  },
  closeDetail() {
    set({ detailId: null, record: null, note: null, error: null });
  },
  async refresh() {
    const id = get().detailId;
    if (!id) return;
    set({ loading: true });
    try {
      const record = await call('library:get', { id });
      if (get().detailId === id) set({ record, loading: false, error: null });
    } catch (error) {
      if (get().detailId === id) set({ loading: false, error: messageOf(error) });
    }
  },
  async act(action, note) {
    // The image acted on: the user may step to the next one (arrow keys) before main answers, and
    // the note or error must not land on that one.
    const id = get().detailId;
    try {
      const answer = await action();
      if (id) void applyLibraryChange(ownEdit([id], answer));
      if (get().detailId !== id) return;
      set({ note: note ?? null, error: null });
      await get().refresh();
    } catch (error) {
      if (get().detailId === id) set({ error: messageOf(error) });
    }
  },
  setNote: (note) => set({ note }),
  async openCompare(ids) {
    set({ compareIds: ids, compareRecords: null });
    try {
      const records = await Promise.all(ids.map((id) => call('library:get', { id })));
      if (get().compareIds === ids) set({ compareRecords: records });
    } catch (error) {
      set({ error: messageOf(error) });
    }
  },
  closeCompare: () => set({ compareIds: null, compareRecords: null }),
  async loadCollections() {
    try {
      set({ collections: await call('library:listCollections') });
    } catch {
      // The list only feeds a picker; the detail view still works without it.
    }
  },
}));
