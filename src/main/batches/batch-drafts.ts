import { randomUUID } from 'node:crypto';
import type { ModelParams } from '../../shared/models/index.ts';
import { AppError } from '../../shared/rpc.ts';
import { readTable, type Table } from './batch-table.ts';

export interface Draft {
  id: string;
  name: string;
  table: Table;
  usedAt: number;
  /** Its rows are going into a batch: a fix now could change a row after it was checked. */
  queuing: boolean;
  /** Bumped by every fix in place: a check made before it no longer speaks for the rows. */
  version: number;
  /** The last full check's valid rows, for a start with the same plan while the rows are unchanged. */
  checked: CheckedRows | null;
}

/** What a check found, kept so that starting does not check every row a second time. */
export interface CheckedRows {
  /** The plan it was made with (model, mapping, fixed values), as JSON. */
  plan: string;
  version: number;
  /** Each valid row's number and parameters, in file order. */
  valid: { row: number; params: ModelParams }[];
  invalid: number;
}

/** Files read but not started yet: a few at a time, the oldest forgotten first. */
const MAX_DRAFTS = 4;
/** A file left alone this long is read again if the user comes back to it. */
const DRAFT_TTL_MS = 60 * 60_000;

/**
 * The files the page is mapping and checking, held in main between its calls: the page sends a
 * file's text once, then only the mapping and its fixes. Each draft holds its rows once, as text;
 * nothing here is sent to Segmind, so a draft lost to a restart costs the user a second drop.
 */
export function createDrafts(now: () => number) {
  const drafts = new Map<string, Draft>();

  function prune(): void {
    const t = now();
    for (const [id, draft] of drafts) if (t - draft.usedAt > DRAFT_TTL_MS) drafts.delete(id);
    while (drafts.size > MAX_DRAFTS) drafts.delete(drafts.keys().next().value!);
  }

  return {
    async read(name: string, text: string): Promise<Draft> {
      const draft: Draft = {
        id: `draft-${randomUUID()}`,
        name,
        table: await readTable(name, text),
        usedAt: now(),
        queuing: false,
        version: 0,
        checked: null,
      };
      drafts.set(draft.id, draft);
      prune();
      return draft;
    },
    get(id: string): Draft {
      prune();
      const draft = drafts.get(id);
      if (!draft) {
        throw new AppError(
          'not_found',
          'That file is no longer open here (the app restarted, or an hour passed). Drop it again.',
        );
      }
      draft.usedAt = now();
      return draft;
    },
    /** Changes one cell, as the user fixed it in place. */
    edit(id: string, row: number, column: number, value: string): void {
      const draft = this.get(id);
      const { table, queuing } = draft;
      if (queuing) {
        throw new AppError(
          'conflict',
          'This file is being queued as a batch right now: it can no longer change.',
        );
      }
      const cells = table.cells[row - table.firstRow];
      if (!cells) throw new AppError('not_found', `The file has no row ${row}.`);
      if (column >= table.headers.length)
        throw new AppError('validation', `The file has no column ${column + 1}.`);
      while (cells.length <= column) cells.push('');
      cells[column] = value;
      draft.version++;
      draft.checked = null;
    },
    forget(id: string): void {
      drafts.delete(id);
    },
  };
}

export type Drafts = ReturnType<typeof createDrafts>;
