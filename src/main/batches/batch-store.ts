import type Database from 'better-sqlite3';
import type { AxisInfo } from '../../shared/batches/matrix.ts';
import type { JobState } from '../../shared/api/jobs.ts';
import type { ModelId } from '../../shared/models/index.ts';
import { multiRowInsert } from '../library/multi-row-insert.ts';

/**
 * One row of `batches` (migration 010); the counters are kept by triggers on jobs and the ledger, and
 * by insertItems as items join (migration 012).
 */
export interface BatchRow {
  id: string;
  name: string;
  origin: 'file' | 'matrix';
  model: ModelId;
  created_at: number;
  phase: 'queuing' | 'ready';
  paused: 0 | 1;
  axes: string;
  params: string;
  collection_id: number | null;
  total: number;
  completed: number;
  failed: number;
  canceled: number;
  waiting: number;
  images: number;
  spent_usd: number;
  unsent_usd: number;
}

export interface NewItem {
  jobId: string;
  item: number;
  estimateUsd: number;
  coords: readonly number[];
}

/** One item of a batch with its job, for the grid and the export, in item order. */
export interface ItemRow {
  item: number;
  coords: string;
  estimate_usd: number;
  job_id: string;
  state: JobState;
  params: string;
  prompt: string;
  image_ids: string;
  request_id: string | null;
  /** Segmind's charge or the estimate the ledger booked for the request; null until booked. */
  booked_usd: number | null;
}

export interface ImageFileRow {
  id: string;
  job_id: string;
  output_index: number;
  prompt: string;
  created_at: number;
  format: 'png' | 'jpeg' | 'webp';
  seed: number | null;
}

export function createBatchStore(db: Database.Database) {
  const insertBatch = db.prepare(
    `INSERT INTO batches (id, name, origin, model, created_at, phase, paused, axes, params, collection_id)
     VALUES (@id, @name, @origin, @model, @created_at, 'queuing', 0, '[]', @params, NULL)`,
  );
  const insertItemRows = multiRowInsert(db, 'batch_items', [
    'job_id',
    'batch_id',
    'item',
    'estimate_usd',
    'coords',
  ]);
  const countItems = db.prepare(
    'UPDATE batches SET total = total + @n, waiting = waiting + @n, unsent_usd = unsent_usd + @usd WHERE id = @id',
  );
  const getOne = db.prepare<[string], BatchRow>('SELECT * FROM batches WHERE id = ?');
  const recent = db.prepare<[number], BatchRow>(
    'SELECT * FROM batches ORDER BY created_at DESC, id DESC LIMIT ?',
  );
  const ready = db.prepare(
    `UPDATE batches SET phase = 'ready', axes = @axes, collection_id = @collection_id WHERE id = @id`,
  );
  const pause = db.prepare('UPDATE batches SET paused = ? WHERE id = ?');
  const queuing = db.prepare<[], string>(`SELECT id FROM batches WHERE phase = 'queuing'`).pluck();
  const removeJobs = db.prepare('DELETE FROM jobs WHERE batch_id = ?');
  const removeBatch = db.prepare('DELETE FROM batches WHERE id = ?');
  // Estimates of this batch's requests on the wire and not booked yet: at most the in-flight limit of rows.
  const onTheWire = db
    .prepare<[string], number>(
      `SELECT coalesce(sum(bi.estimate_usd), 0) FROM jobs j JOIN batch_items bi ON bi.job_id = j.id
       WHERE j.batch_id = ? AND j.state IN ('submitting', 'submitted', 'downloading')
         AND NOT EXISTS (SELECT 1 FROM ledger l WHERE l.job_id = j.id AND l.request_id = j.request_id)`,
    )
    .pluck();
  const items = db.prepare<[string, number, number], ItemRow>(
    `SELECT bi.item, bi.coords, bi.estimate_usd, j.id AS job_id, j.state, j.params, j.prompt, j.image_ids,
       j.request_id,
       (SELECT coalesce(l.actual_usd, l.estimate_usd) FROM ledger l
         WHERE l.job_id = j.id AND l.request_id = j.request_id) AS booked_usd
     FROM batch_items bi JOIN jobs j ON j.id = bi.job_id
     WHERE bi.batch_id = ? ORDER BY bi.item LIMIT ? OFFSET ?`,
  );
  const imagesOf = db.prepare<[string], ImageFileRow>(
    `SELECT i.id, i.job_id, i.output_index, i.prompt, i.created_at, i.format, i.seed
     FROM images i WHERE i.job_id IN (SELECT value FROM json_each(?)) ORDER BY i.job_id, i.output_index`,
  );

  return {
    /**
     * A batch whose rows are about to go in. Its axes and collection come with markReady: a file's
     * axes are known once its last row is read, and every row's insert rewrites this row (the
     * counters), which a few hundred long prompts listed as an axis would make heavy.
     */
    insert(batch: {
      id: string;
      name: string;
      origin: 'file' | 'matrix';
      model: ModelId;
      createdAt: number;
      params: readonly string[];
    }): void {
      insertBatch.run({
        id: batch.id,
        name: batch.name,
        origin: batch.origin,
        model: batch.model,
        created_at: batch.createdAt,
        params: JSON.stringify(batch.params),
      });
    },
    /**
     * Call inside the transaction that queued the jobs (engine.enqueue's afterInsert): every one of
     * them is waiting, so the whole list joins the batch's counters in one update (migration 012).
     */
    insertItems(batchId: string, list: readonly NewItem[]): void {
      let usd = 0;
      insertItemRows(list, (item, into) => {
        into.push(item.jobId, batchId, item.item, item.estimateUsd, JSON.stringify(item.coords));
        usd += item.estimateUsd;
      });
      countItems.run({ id: batchId, n: list.length, usd });
    },
    get: (id: string) => getOne.get(id),
    recent: (limit: number) => recent.all(limit),
    markReady(id: string, done: { axes: readonly AxisInfo[]; collectionId: number | null }): void {
      ready.run({ id, axes: JSON.stringify(done.axes), collection_id: done.collectionId });
    },
    setPaused: (id: string, paused: boolean) => void pause.run(paused ? 1 : 0, id),
    /** Batches whose rows were still going in when the app stopped: none of their jobs was sent. */
    leftoverQueuing: () => queuing.all(),
    /** The batch and its jobs' rows; the ledger keeps what was spent, the library keeps the images. */
    remove(id: string): void {
      db.transaction(() => {
        removeJobs.run(id);
        removeBatch.run(id);
      })();
    },
    onTheWireUsd: (id: string) => onTheWire.get(id) ?? 0,
    items: (id: string, offset: number, limit: number) => items.all(id, limit, offset),
    imagesOf: (jobIds: readonly string[]) => imagesOf.all(JSON.stringify(jobIds)),
  };
}

export type BatchStore = ReturnType<typeof createBatchStore>;
