import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';
import {
  batchLimits,
  type BatchCell,
  type BatchSummary,
  type CheckResult,
  type ColumnMapping,
  type DraftInfo,
  type RowError,
  isBatchId,
} from '../../shared/api/batches.ts';
import { expandMatrix, type AxisInfo, type MatrixAxis } from '../../shared/batches/matrix.ts';
import type { Job } from '../../shared/api/jobs.ts';
import { getModel, seedParamOf, type ModelId, type ModelParams } from '../../shared/models/index.ts';
import { estimate, type PriceTable } from '../../shared/pricing.ts';
import { AppError } from '../../shared/rpc.ts';
import type { JobEngine } from '../jobs/job-engine.ts';
import type { Logger } from '../logging/logger.ts';
import { csvOfBatch } from './batch-export.ts';
import { createDrafts, type CheckedRows } from './batch-drafts.ts';
import { createBatchStore, type ItemRow } from './batch-store.ts';
import { createBatchSummaries } from './batch-summaries.ts';
import { createAxisCollector } from './file-axes.ts';
import { checkRows, type RowPlan } from './row-check.ts';
import { suggestMapping } from './column-mapping.ts';

/** Jobs queued per transaction: big enough to be quick, small enough that the loop breathes between. */
export const QUEUE_CHUNK = 250;
/** Rows checked between two turns of the loop: a few milliseconds of work. */
const ROWS_PER_TURN = 250;
/** Per batch, at most one batches:changed this often while its jobs move. */
const EMIT_THROTTLE_MS = 500;
const RECENT_BATCHES = 50;

export interface BatchServiceOptions {
  db: Database.Database;
  engine: JobEngine;
  /** The price table estimates are made with: the one the page shows and the budget guard uses. */
  prices: () => PriceTable;
  /** Makes the batch's own collection; a name already taken gets a number. */
  createCollection: (name: string) => { id: number };
  emit: (summary: BatchSummary) => void;
  now?: () => number;
  logger: Logger;
}

interface QueueItem {
  item: number;
  params: ModelParams;
  coords: readonly number[];
}

/** A file row's place in the grid comes from its own values, not from coordinates. */
const noCoords: readonly number[] = Object.freeze([]);

/** The same plan gives the same key whatever order the page listed its fixed values in. */
const planKey = (plan: RowPlan) =>
  JSON.stringify([plan.model, plan.mapping, Object.entries(plan.fixed).sort(([a], [b]) => (a < b ? -1 : 1))]);

const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

export function createBatchService(options: BatchServiceOptions) {
  const { db, engine, logger } = options;
  const now = options.now ?? Date.now;
  const store = createBatchStore(db);
  const drafts = createDrafts(now);
  const summaries = createBatchSummaries({ db, store, engine, now });
  const pending = new Map<string, ReturnType<typeof setTimeout>>();
  let disposed = false;

  function mustGet(id: string) {
    const row = store.get(id);
    if (!row) throw new AppError('not_found', 'There is no such batch (it may have been removed).');
    return row;
  }
  const summary = (id: string) => summaries.summaryOf(mustGet(id));

  function emitNow(id: string): void {
    pending.delete(id);
    const row = store.get(id);
    if (row) options.emit(summaries.summaryOf(row));
  }

  function emitSoon(id: string): void {
    // A job the engine stops after dispose() (a closing app) must not start a timer on a closed file.
    if (disposed) return;
    if (!pending.has(id))
      pending.set(
        id,
        setTimeout(() => emitNow(id), EMIT_THROTTLE_MS),
      );
  }

  function collectionFor(name: string): number {
    for (let n = 1; n < 100; n++) {
      try {
        return options.createCollection(n === 1 ? name : `${name} (${n})`).id;
      } catch (error) {
        if (!(error instanceof AppError && error.code === 'conflict')) throw error;
      }
    }
    throw new AppError('conflict', `Too many collections are named like "${name}"; rename the batch.`);
  }

  /**
   * Queues a batch a chunk at a time, staged: while its row is in phase 'queuing' the engine sends
   * none of its jobs, so a crash midway leaves a batch of which nothing was sent, dropped at the next
   * start (start()). Once ready, a batch the user paused meanwhile has its jobs held. Its axes and
   * collection are asked for once the items have all been read (a file's axes come from its rows),
   * so an error from the items leaves nothing behind.
   */
  async function queue(
    batch: { name: string; origin: 'file' | 'matrix'; model: ModelId; params: string[] },
    items: Iterable<QueueItem> | AsyncIterable<QueueItem>,
    axes: () => AxisInfo[],
  ): Promise<BatchSummary> {
    const id = `batch-${randomUUID()}`;
    const prices = options.prices();
    store.insert({ id, ...batch, createdAt: now() });
    try {
      let chunk: QueueItem[] = [];
      const flush = () => {
        const list = chunk;
        chunk = [];
        engine.enqueue(
          id,
          list.map((entry) => ({ model: batch.model, params: entry.params })),
          {
            held: false,
            staged: true,
            afterInsert: (ids) =>
              store.insertItems(
                id,
                list.map((entry, i) => ({
                  jobId: ids[i]!,
                  item: entry.item,
                  estimateUsd: estimate(batch.model, entry.params, prices).usd,
                  coords: entry.coords,
                })),
              ),
          },
        );
      };
      for await (const entry of items) {
        chunk.push(entry);
        if (chunk.length >= QUEUE_CHUNK) {
          flush();
          await yieldToLoop();
        }
      }
      if (chunk.length > 0) flush();
      db.transaction(() => {
        const collectionId = collectionFor(`Batch: ${batch.name}`);
        store.markReady(id, { axes: axes(), collectionId });
      })();
      if (mustGet(id).paused) engine.holdBatch(id, true);
      engine.batchReady();
    } catch (error) {
      // Nothing of it was sent (it was still staged): it goes, and the user still has the file.
      store.remove(id);
      throw error;
    }
    summaries.invalidate();
    logger.info(`[batches] ${id} "${batch.name}": ${mustGet(id).total} jobs queued`);
    const result = summary(id);
    options.emit(result);
    return result;
  }

  function planOf(choice: {
    draftId: string;
    model: ModelId;
    mapping: ColumnMapping;
    fixed: Record<string, string>;
  }) {
    const draft = drafts.get(choice.draftId);
    const plan: RowPlan = { model: choice.model, mapping: choice.mapping, fixed: choice.fixed };
    return { draft, plan };
  }

  function cellOf(row: ItemRow, axes: AxisInfo[], seedName: string | undefined): BatchCell {
    const params = JSON.parse(row.params) as ModelParams;
    const coords = JSON.parse(row.coords) as number[];
    const values = axes.map((axis, a) =>
      coords.length > 0
        ? axis.values[coords[a]!]!
        : ((params[axis.param] as BatchCell['values'][number]) ?? ''),
    );
    const seed = seedName ? params[seedName] : undefined;
    return {
      item: row.item,
      jobId: row.job_id,
      state: row.state,
      values,
      imageIds: JSON.parse(row.image_ids) as string[],
      seed: typeof seed === 'number' ? seed : null,
      costUsd: row.booked_usd,
    };
  }

  return {
    /** Drops batches a crash left half queued (never sent); call before the engine starts sending. */
    start() {
      for (const id of store.leftoverQueuing()) {
        store.remove(id);
        logger.warn(
          `[batches] ${id} was still being queued when the app stopped; none of it was sent, so it was dropped`,
        );
      }
    },

    async read({ name, text, model }: { name: string; text: string; model: ModelId }): Promise<DraftInfo> {
      const draft = await drafts.read(name, text);
      const { table } = draft;
      return {
        draftId: draft.id,
        name,
        format: table.format,
        headers: table.headers,
        rowCount: table.cells.length,
        sample: table.cells.slice(0, batchLimits.sampleRows),
        mapping: suggestMapping(model, table.headers),
      };
    },

    /** Every row, a turn of the loop at a time: a 50,000-row file must not freeze the page's calls. */
    async check(choice: {
      draftId: string;
      model: ModelId;
      mapping: ColumnMapping;
      fixed: Record<string, string>;
    }): Promise<CheckResult> {
      const { draft, plan } = planOf(choice);
      const prices = options.prices();
      const version = draft.version;
      const errors: RowError[] = [];
      const valid: CheckedRows['valid'] = [];
      let rows = 0;
      let errorCount = 0;
      let images = 0;
      let usd = 0;
      for (const result of checkRows(draft.table, plan)) {
        if (++rows % ROWS_PER_TURN === 0) await yieldToLoop();
        if (result.ok) {
          valid.push({ row: result.row, params: result.params });
          const cost = estimate(plan.model, result.params, prices);
          images += cost.images;
          usd += cost.usd;
          continue;
        }
        errorCount += result.errors.length;
        for (const error of result.errors) if (errors.length < batchLimits.maxErrorsShown) errors.push(error);
      }
      // A fix that landed while the rows were being checked leaves no answer to reuse.
      draft.checked =
        draft.version === version
          ? { plan: planKey(plan), version, valid, invalid: rows - valid.length }
          : null;
      return {
        rows,
        valid: valid.length,
        invalid: rows - valid.length,
        errors,
        errorCount,
        images,
        usd,
      };
    },

    editCell({
      draftId,
      row,
      column,
      value,
    }: {
      draftId: string;
      row: number;
      column: number;
      value: string;
    }) {
      drafts.edit(draftId, row, column, value);
      return { ok: true as const };
    },

    async startFile(choice: {
      draftId: string;
      model: ModelId;
      mapping: ColumnMapping;
      fixed: Record<string, string>;
      name: string;
      skipInvalid: boolean;
    }): Promise<BatchSummary> {
      const { draft, plan } = planOf(choice);
      const params = [
        ...new Set(plan.mapping.filter((p): p is string => p !== null).concat(Object.keys(plan.fixed))),
      ];
      const axes = createAxisCollector(plan.model, params);
      const refusal = (invalid: number, valid: number) =>
        invalid > 0 && !choice.skipInvalid
          ? new AppError(
              'validation',
              `${invalid} row(s) still have errors: fix them, or choose to skip them.`,
            )
          : valid === 0
            ? new AppError('validation', 'No row of the file is valid: there is nothing to queue.')
            : null;
      // The rows as the last check left them, if it was made with this plan and no fix came since:
      // checking 10,000 rows again was a sixth of a start.
      const checked =
        draft.checked?.plan === planKey(plan) && draft.checked.version === draft.version
          ? draft.checked
          : null;
      if (checked) {
        const refused = refusal(checked.invalid, checked.valid.length);
        if (refused) throw refused;
      }
      function* checkedItems(rows: CheckedRows['valid']): Generator<QueueItem> {
        for (const { row, params } of rows) {
          axes.add(params);
          yield { item: row, params, coords: noCoords };
        }
      }
      // One pass: each row is checked as it goes in. A row with errors the user did not choose to skip
      // stops the queueing (the rest are only counted) and the staged jobs go with the batch.
      async function* validItems(): AsyncGenerator<QueueItem> {
        let rows = 0;
        let invalid = 0;
        let valid = 0;
        for (const result of checkRows(draft.table, plan)) {
          if (++rows % ROWS_PER_TURN === 0) await yieldToLoop();
          if (!result.ok) invalid++;
          else if (invalid === 0 || choice.skipInvalid) {
            valid++;
            axes.add(result.params);
            yield { item: result.row, params: result.params, coords: noCoords };
          }
        }
        const refused = refusal(invalid, valid);
        if (refused) throw refused;
      }
      // The draft is the batch's while its rows go in: a fix arriving now must not change rows halfway.
      if (draft.queuing) throw new AppError('conflict', 'This file is already being queued.');
      draft.queuing = true;
      try {
        const summary = await queue(
          { name: choice.name, origin: 'file', model: plan.model, params },
          checked ? checkedItems(checked.valid) : validItems(),
          () => axes.axes(),
        );
        drafts.forget(draft.id);
        return summary;
      } finally {
        draft.queuing = false;
      }
    },

    async startMatrix(input: {
      model: ModelId;
      params: ModelParams;
      axes: MatrixAxis[];
      name: string;
    }): Promise<BatchSummary> {
      const matrix = expandMatrix(input.model, input.params, input.axes);
      if (matrix.issues.length > 0) {
        const first = matrix.issues[0]!;
        throw new AppError(
          'validation',
          `${first.where}: ${first.message}${matrix.issues.length > 1 ? ` (and ${matrix.issues.length - 1} more)` : ''}`,
          matrix.issues.map((issue) => ({ path: issue.where, message: issue.message })),
        );
      }
      const fields = getModel(input.model).fields.map((field) => field.name);
      const varied = new Set(matrix.axes.map((axis) => axis.param));
      const params = fields.filter(
        (name) => varied.has(name) || input.params[name] !== undefined || name === 'prompt',
      );
      return queue(
        { name: input.name, origin: 'matrix', model: input.model, params },
        matrix.cells.map((cell) => ({ item: cell.index, params: cell.params, coords: cell.coords })),
        () => matrix.axes,
      );
    },

    list: (): BatchSummary[] => store.recent(RECENT_BATCHES).map((row) => summaries.summaryOf(row)),
    get: summary,

    pause(id: string): BatchSummary {
      const row = mustGet(id);
      db.transaction(() => store.setPaused(id, true))();
      if (row.phase === 'ready') engine.holdBatch(id, true);
      summaries.invalidate();
      return summary(id);
    },
    resume(id: string): BatchSummary {
      const row = mustGet(id);
      db.transaction(() => store.setPaused(id, false))();
      if (row.phase === 'ready') engine.holdBatch(id, false);
      summaries.invalidate();
      return summary(id);
    },
    cancelRest(id: string): BatchSummary {
      mustGet(id);
      engine.cancelQueued(id);
      summaries.invalidate();
      const result = summary(id);
      options.emit(result);
      return result;
    },
    remove(id: string): { id: string } {
      const row = mustGet(id);
      if (row.total - row.completed - row.failed - row.canceled > 0) {
        throw new AppError(
          'conflict',
          'This batch still has jobs to do: cancel the rest first, then remove it.',
        );
      }
      store.remove(id);
      return { id };
    },

    cells({ id, offset, limit }: { id: string; offset: number; limit: number }) {
      const row = mustGet(id);
      const axes = JSON.parse(row.axes) as AxisInfo[];
      const seed = seedParamOf(getModel(row.model))?.name;
      return {
        cells: store.items(id, offset, limit).map((item) => cellOf(item, axes, seed)),
        total: row.total,
      };
    },

    exportCsv(id: string) {
      return csvOfBatch(store, mustGet(id));
    },

    /** A job changed: if it belongs to a batch, that batch's summary goes out (throttled). */
    jobChanged(job: Pick<Job, 'batchId' | 'state'>): void {
      if (!isBatchId(job.batchId)) return;
      emitSoon(job.batchId);
    },
    /** The queue's order or pause changed: forecasts are stale. */
    queueChanged(): void {
      summaries.invalidate();
    },
    dispose(): void {
      disposed = true;
      for (const timer of pending.values()) clearTimeout(timer);
      pending.clear();
    },
  };
}

export type BatchService = ReturnType<typeof createBatchService>;
