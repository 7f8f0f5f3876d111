import type Database from 'better-sqlite3';
import { expect } from 'vitest';
import type { BatchRow } from '../batch-store.ts';

const failed = "('failed', 'expired', 'interrupted')";

export type BatchCounts = Pick<
  BatchRow,
  'total' | 'completed' | 'failed' | 'canceled' | 'waiting' | 'images' | 'unsent_usd'
>;

/**
 * A batch's counters as its row keeps them, and the same counted from its items and jobs one by one:
 * what the triggers and the store's per-chunk update must always agree with.
 */
export function batchCounts(
  db: Database.Database,
  batchId: string,
): { kept: BatchCounts; counted: BatchCounts } {
  const kept = db
    .prepare<[string], BatchCounts>(
      'SELECT total, completed, failed, canceled, waiting, images, unsent_usd FROM batches WHERE id = ?',
    )
    .get(batchId)!;
  const counted = db
    .prepare<[string], BatchCounts>(
      `SELECT count(*) AS total,
         coalesce(sum(j.state = 'completed'), 0) AS completed,
         coalesce(sum(j.state IN ${failed}), 0) AS failed,
         coalesce(sum(j.state = 'canceled'), 0) AS canceled,
         coalesce(sum(j.state = 'queued'), 0) AS waiting,
         coalesce(sum(CASE WHEN j.state = 'completed' THEN json_array_length(j.image_ids) ELSE 0 END), 0) AS images,
         coalesce(sum(CASE WHEN j.state = 'queued' THEN bi.estimate_usd ELSE 0 END), 0) AS unsent_usd
       FROM batch_items bi JOIN jobs j ON j.id = bi.job_id WHERE bi.batch_id = ?`,
    )
    .get(batchId)!;
  return { kept, counted };
}

/** The row's counters equal a full count of the batch (its dollars to float rounding). */
export function expectTrueCounts(db: Database.Database, batchId: string): BatchCounts {
  const { kept, counted } = batchCounts(db, batchId);
  expect(kept).toEqual({ ...counted, unsent_usd: expect.closeTo(counted.unsent_usd, 9) });
  return kept;
}
