import { create } from 'zustand';
import {
  batchLimits,
  type BatchCell,
  type BatchSummary,
  type CheckResult,
  type ColumnMapping,
  type DraftInfo,
} from '../../../../shared/api/batches.ts';
import type { ModelId } from '../../../../shared/models/index.ts';
import { call, on } from '../../bridge/api.ts';
import { isDesktop } from '../../lib/desktop.ts';
import { messageOf } from '../../lib/errors.ts';

/** A file being mapped and checked before it becomes a batch. */
export interface FileImport {
  draft: DraftInfo;
  model: ModelId;
  mapping: ColumnMapping;
  fixed: Record<string, string>;
  check: CheckResult | null;
  /** Why the mapping cannot work (a required parameter with no column...), from main. */
  planError: string | null;
  checking: boolean;
}

interface BatchState {
  batches: Record<string, BatchSummary>;
  /** Newest first. */
  order: string[];
  loadError: string | null;
  importOpen: boolean;
  import: FileImport | null;
  importError: string | null;
  reading: boolean;
  matrixOpen: boolean;
  gridId: string | null;
  gridCells: BatchCell[];
  gridTotal: number;
  note: string | null;
  load(): Promise<void>;
  apply(summary: BatchSummary): void;
  openImport(open: boolean): void;
  readFile(name: string, text: string, model: ModelId): Promise<void>;
  setMapping(column: number, param: string | null): void;
  setFixed(param: string, value: string | null): void;
  setModel(model: ModelId): void;
  recheck(): Promise<void>;
  fixCell(row: number, column: number, value: string): Promise<void>;
  openMatrix(open: boolean): void;
  openGrid(id: string | null): Promise<void>;
  act(id: string, action: 'pause' | 'resume' | 'cancelRest' | 'remove'): Promise<void>;
  exportCsv(id: string): Promise<void>;
}

function ordered(batches: Record<string, BatchSummary>): string[] {
  return Object.values(batches)
    .sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? 1 : -1))
    .map((batch) => batch.id);
}

let checkTimer: ReturnType<typeof setTimeout> | null = null;
/**
 * Counts file reads and closings of the import: a big file read in main can answer after the user
 * closed the dialog or dropped another file, and its draft must not take the newer one's place.
 */
let readSerial = 0;

export const useBatches = create<BatchState>()((set, get) => ({
  batches: {},
  order: [],
  loadError: null,
  importOpen: false,
  import: null,
  importError: null,
  reading: false,
  matrixOpen: false,
  gridId: null,
  gridCells: [],
  gridTotal: 0,
  note: null,
  async load() {
    try {
      const list = await call('batches:list', {});
      const batches = Object.fromEntries(list.map((batch) => [batch.id, batch]));
      set({ batches, order: ordered(batches), loadError: null });
    } catch (error) {
      set({ loadError: messageOf(error) });
    }
  },
  apply(summary) {
    const known = summary.id in get().batches;
    const batches = { ...get().batches, [summary.id]: summary };
    set({ batches, order: known ? get().order : ordered(batches) });
    if (get().gridId === summary.id) void refreshGrid();
  },
  openImport(open) {
    if (!open) readSerial++;
    set({ importOpen: open, ...(open ? {} : { import: null, importError: null, reading: false }) });
  },
  async readFile(name, text, model) {
    const serial = ++readSerial;
    set({ reading: true, importError: null, importOpen: true });
    try {
      const draft = await call('batches:read', { name, text, model });
      if (serial !== readSerial) return;
      set({
        import: {
          draft,
          model,
          mapping: draft.mapping,
          fixed: {},
          check: null,
          planError: null,
          checking: false,
        },
      });
      await get().recheck();
    } catch (error) {
      if (serial === readSerial) set({ importError: messageOf(error), import: null });
    } finally {
      if (serial === readSerial) set({ reading: false });
    }
  },
  setMapping(column, param) {
    const current = get().import;
    if (!current) return;
    const mapping = current.mapping.map((value, i) =>
      i === column ? param : value === param ? null : value,
    );
    set({ import: { ...current, mapping } });
    scheduleCheck();
  },
  setFixed(param, value) {
    const current = get().import;
    if (!current) return;
    const fixed = { ...current.fixed };
    if (value === null) delete fixed[param];
    else fixed[param] = value;
    set({ import: { ...current, fixed } });
    scheduleCheck();
  },
  setModel(model) {
    const current = get().import;
    if (!current) return;
    // Another model's parameters: only headers that name one of them map themselves.
    set({ import: { ...current, model, fixed: {} } });
    scheduleCheck();
  },
  async recheck() {
    const current = get().import;
    if (!current) return;
    set({ import: { ...current, checking: true } });
    const { draft, model, mapping, fixed } = current;
    try {
      const check = await call('batches:check', { draftId: draft.draftId, model, mapping, fixed });
      const now = get().import;
      if (now?.draft.draftId === draft.draftId)
        set({ import: { ...now, check, planError: null, checking: false } });
    } catch (error) {
      const now = get().import;
      if (now?.draft.draftId === draft.draftId) {
        set({ import: { ...now, check: null, planError: messageOf(error), checking: false } });
      }
    }
  },
  async fixCell(row, column, value) {
    const current = get().import;
    if (!current) return;
    try {
      await call('batches:editCell', { draftId: current.draft.draftId, row, column, value });
      await get().recheck();
    } catch (error) {
      set({ importError: messageOf(error) });
    }
  },
  openMatrix(open) {
    set({ matrixOpen: open });
  },
  async openGrid(id) {
    set({ gridId: id, gridCells: [], gridTotal: 0 });
    if (!id) return;
    try {
      get().apply(await call('batches:get', { id }));
    } catch (error) {
      set({ note: messageOf(error) });
    }
  },
  async act(id, action) {
    try {
      if (action === 'remove') {
        await call('batches:remove', { id });
        const batches = { ...get().batches };
        delete batches[id];
        set({ batches, order: get().order.filter((other) => other !== id) });
        return;
      }
      const summary =
        action === 'pause'
          ? await call('batches:pause', { id })
          : action === 'resume'
            ? await call('batches:resume', { id })
            : await call('batches:cancelRest', { id });
      get().apply(summary);
    } catch (error) {
      set({ note: messageOf(error) });
    }
  },
  async exportCsv(id) {
    try {
      if (isDesktop) {
        const saved = await call('os:saveBatchCsv', { id });
        if ('path' in saved) set({ note: `Saved ${saved.path}` });
        return;
      }
      const { fileName, text } = await call('batches:exportCsv', { id });
      const url = URL.createObjectURL(new Blob([text], { type: 'text/csv;charset=utf-8' }));
      const link = document.createElement('a');
      link.href = url;
      link.download = fileName;
      link.click();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
      set({ note: `Downloaded ${fileName}` });
    } catch (error) {
      set({ note: messageOf(error) });
    }
  },
}));

function scheduleCheck(): void {
  if (checkTimer) clearTimeout(checkTimer);
  checkTimer = setTimeout(() => void useBatches.getState().recheck(), 250);
}

let gridLoading = false;
/** The open grid's cells, a page at a time up to what one view lays out. */
async function refreshGrid(): Promise<void> {
  const id = useBatches.getState().gridId;
  if (!id || gridLoading) return;
  gridLoading = true;
  try {
    const page = await call('batches:cells', { id, offset: 0, limit: batchLimits.maxCellsPage });
    if (useBatches.getState().gridId === id)
      useBatches.setState({ gridCells: page.cells, gridTotal: page.total });
  } catch (error) {
    useBatches.setState({ note: messageOf(error) });
  } finally {
    gridLoading = false;
  }
}

/** Table files (a drop or a choice) become a batch draft; the text is read here and size-capped. */
export const tableFilePattern = /\.(csv|tsv|tab|json)$/i;

export async function readTableFile(file: File, model: ModelId): Promise<void> {
  if (file.size > batchLimits.maxFileChars) {
    useBatches.setState({
      importOpen: true,
      importError: `${file.name} is larger than ${batchLimits.maxFileChars / 1024 / 1024} MB; split it into several files.`,
    });
    return;
  }
  await useBatches.getState().readFile(file.name, await file.text(), model);
}

/** Desktop: the open dialog reads the file in main and hands back its text. */
export async function chooseTableFileOnDesktop(model: ModelId): Promise<void> {
  try {
    const chosen = await call('os:openBatchFile', {});
    if ('text' in chosen) await useBatches.getState().readFile(chosen.name, chosen.text, model);
  } catch (error) {
    useBatches.setState({ importOpen: true, importError: messageOf(error) });
  }
}

export function subscribeBatches(): () => void {
  return on('batches:changed', (summary) => useBatches.getState().apply(summary));
}
