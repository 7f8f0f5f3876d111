import type Database from 'better-sqlite3';
import type { BatchSummary } from '../../shared/api/batches.ts';
import type { AxisInfo } from '../../shared/batches/matrix.ts';
import type { JobEngine } from '../jobs/job-engine.ts';
import { seedMsFor } from '../jobs/job-keys.ts';
import type { BatchRow, BatchStore } from './batch-store.ts';
import { forecastFinish } from './finish-forecast.ts';

/** Forecasts are remade at most this often: playing 10,000 waiting jobs forward takes milliseconds. */
const FORECAST_TTL_MS = 1000;
/** Completed jobs the "after COMPLETED" time is learned from. */
const AFTER_SAMPLES = 20;

/**
 * Batches as the page sees them: the counters from their row, what they are expected to cost, and
 * when they should be done. The forecast covers every batch at once (they share the queue).
 */
export function createBatchSummaries(options: {
  db: Database.Database;
  store: BatchStore;
  engine: JobEngine;
  now: () => number;
}) {
  const { db, store, engine, now } = options;
  // INDEXED BY: the send order, as the submitter walks it (see job-store.ts nextQueued), a batch
  // still being queued left out as it does.
  const sendOrder = db.prepare<[], { batch_id: string; estimate_key: string }>(
    `SELECT batch_id, estimate_key FROM jobs INDEXED BY jobs_send_order
     WHERE state = 'queued' AND held = 0 AND batch_id NOT IN (SELECT id FROM batches WHERE phase = 'queuing')
     ORDER BY queue_pos, id`,
  );
  const sampleOf = db.prepare<[string], { model: string; params: string }>(
    `SELECT model, params FROM jobs WHERE estimate_key = ? LIMIT 1`,
  );
  // What storing took after Segmind's COMPLETED: the whole time less the expected time at submit.
  const after = db
    .prepare<[number], number>(
      `SELECT finished_at - submitted_at - expected_ms FROM jobs INDEXED BY jobs_state_created
       WHERE state = 'completed' AND submitted_at IS NOT NULL AND expected_ms IS NOT NULL
       ORDER BY created_at DESC LIMIT ?`,
    )
    .pluck();
  let cached: { at: number; finish: Map<string, number> } | null = null;

  function afterMs(): number {
    const values = after
      .all(AFTER_SAMPLES)
      .filter(Number.isFinite)
      .sort((a, b) => a - b);
    if (values.length === 0) return 0;
    return Math.max(0, values[Math.floor(values.length / 2)]!);
  }

  function forecast(): Map<string, number> {
    const t = now();
    if (cached && t - cached.at < FORECAST_TTL_MS) return cached.finish;
    const inputs = engine.forecastInputs();
    const durations = new Map<string, number>();
    const durationOf = (key: string) => {
      let ms = durations.get(key);
      if (ms === undefined) {
        const sample = sampleOf.get(key);
        const seedMs = sample ? seedMsFor(sample as Parameters<typeof seedMsFor>[0]) : 10_000;
        ms = inputs.expectedMs(key, seedMs);
        durations.set(key, ms);
      }
      return ms;
    };
    const queue = sendOrder
      .all()
      .map((row) => ({ batchId: row.batch_id, durationMs: durationOf(row.estimate_key) }));
    const finish = forecastFinish({ ...inputs, queue, afterMs: afterMs() });
    cached = { at: t, finish };
    return finish;
  }

  function summaryOf(row: BatchRow): BatchSummary {
    const active = row.total - row.completed - row.failed - row.canceled;
    const status = engine.status();
    // Paused by anything but a rate limit (which ends by itself), a finish time would be a guess.
    const stopped = status.state === 'paused' && status.reason !== 'rate_limited';
    const state: BatchSummary['state'] =
      row.phase === 'queuing'
        ? 'queuing'
        : active === 0
          ? 'done'
          : row.paused
            ? 'paused'
            : row.waiting === active
              ? 'waiting'
              : 'running';
    const finishesAt =
      active === 0 || row.paused || row.phase === 'queuing' || stopped
        ? null
        : (forecast().get(row.id) ?? null);
    return {
      id: row.id,
      name: row.name,
      origin: row.origin,
      model: row.model,
      createdAt: row.created_at,
      state,
      paused: row.paused === 1,
      total: row.total,
      waiting: row.waiting,
      completed: row.completed,
      failed: row.failed,
      canceled: row.canceled,
      images: row.images,
      spentUsd: Math.max(0, row.spent_usd),
      expectedUsd: Math.max(0, row.spent_usd) + Math.max(0, row.unsent_usd) + store.onTheWireUsd(row.id),
      finishesAt: finishesAt === null ? null : Math.round(finishesAt),
      collectionId: row.collection_id,
      axes: JSON.parse(row.axes) as AxisInfo[],
    };
  }

  return {
    summaryOf,
    /** The queue changed shape (a move, a pause, a new batch): the next summary plays it forward again. */
    invalidate() {
      cached = null;
    },
  };
}
