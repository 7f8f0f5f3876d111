import type Database from 'better-sqlite3';
import { AppError } from '../../shared/rpc.ts';

/** Where the user moves a waiting job: to either end, or next to another waiting job (a drag). */
export type QueueMove =
  { id: string; to: 'front' | 'back' } | { id: string; before: string } | { id: string; after: string };

/**
 * Positions in the send order (`jobs.queue_pos`, lower first). New work goes behind everything
 * waiting and no earlier than its creation time, so an untouched queue keeps the first-come order it
 * always had. A move takes the midpoint of its new neighbours; positions are milliseconds (about
 * 1.8e12), where a double splits a gap only a dozen times, so when a gap runs out the waiting jobs are
 * renumbered one apart first (a rare step of the user's own action, never of the submitter's loop).
 */
export interface QueueOrder {
  /** The first of consecutive positions behind every waiting job. */
  backPosition(now: number): number;
  move(move: QueueMove): void;
}

/** Below this a midpoint may no longer sit strictly between its neighbours at these magnitudes. */
const MIN_GAP = 0.01;

type Side = 'before' | 'after';

export function createQueueOrder(db: Database.Database): QueueOrder {
  // INDEXED BY throughout: without statistics the planner would walk every queued row instead.
  const first = db
    .prepare<[], number>(
      `SELECT queue_pos FROM jobs INDEXED BY jobs_queue_order WHERE state = 'queued' ORDER BY queue_pos, id LIMIT 1`,
    )
    .pluck();
  const last = db
    .prepare<[], number>(
      `SELECT queue_pos FROM jobs INDEXED BY jobs_queue_order WHERE state = 'queued' ORDER BY queue_pos DESC, id DESC LIMIT 1`,
    )
    .pluck();
  const edges = () => ({ lo: first.get() ?? null, hi: last.get() ?? null });
  const positionOf = db
    .prepare<[string], number>(`SELECT queue_pos FROM jobs WHERE id = ? AND state = 'queued'`)
    .pluck();
  // The waiting job just before / after (pos, id), the moved one left out: its new neighbour.
  const beside: Record<Side, Database.Statement<[string, number, number, string], string>> = {
    before: db
      .prepare<[string, number, number, string], string>(
        `SELECT id FROM jobs INDEXED BY jobs_queue_order
         WHERE state = 'queued' AND id <> ? AND (queue_pos < ? OR (queue_pos = ? AND id < ?))
         ORDER BY queue_pos DESC, id DESC LIMIT 1`,
      )
      .pluck(),
    after: db
      .prepare<[string, number, number, string], string>(
        `SELECT id FROM jobs INDEXED BY jobs_queue_order
         WHERE state = 'queued' AND id <> ? AND (queue_pos > ? OR (queue_pos = ? AND id > ?))
         ORDER BY queue_pos, id LIMIT 1`,
      )
      .pluck(),
  };
  const setPos = db.prepare<[number, string]>(`UPDATE jobs SET queue_pos = ? WHERE id = ?`);
  const renumber = db.prepare<[number]>(
    `UPDATE jobs SET queue_pos = ordered.pos FROM (
       SELECT id, ? + row_number() OVER (ORDER BY queue_pos, id) AS pos FROM jobs WHERE state = 'queued'
     ) AS ordered WHERE jobs.id = ordered.id`,
  );

  function waitingPos(id: string, what: string): number {
    const pos = positionOf.get(id);
    if (pos === undefined) throw new AppError('conflict', what);
    return pos;
  }

  /** Between the neighbours `lo` and `hi` (ids; either may be missing at an end of the queue). */
  function between(lo: string | undefined, hi: string | undefined): number {
    const read = () => ({
      a: lo === undefined ? undefined : positionOf.get(lo),
      b: hi === undefined ? undefined : positionOf.get(hi),
    });
    let { a, b } = read();
    if (a !== undefined && b !== undefined && b - a < MIN_GAP) {
      renumber.run(Math.floor(edges().lo ?? 0));
      ({ a, b } = read());
    }
    if (a === undefined) return (b ?? 0) - 1;
    if (b === undefined) return a + 1;
    return (a + b) / 2;
  }

  function nextTo(id: string, otherId: string, side: Side): number {
    const pos = waitingPos(otherId, 'The job to move next to is no longer waiting in the queue.');
    const far = beside[side].get(id, pos, pos, otherId);
    return side === 'before' ? between(far, otherId) : between(otherId, far);
  }

  return {
    backPosition(now) {
      const { hi } = edges();
      return hi === null ? now : Math.max(now, Math.floor(hi) + 1);
    },
    move(move) {
      db.transaction(() => {
        waitingPos(
          move.id,
          'Only a job still waiting in the queue can be moved; this one has started or ended.',
        );
        let pos: number;
        if ('to' in move) {
          const { lo, hi } = edges();
          pos = move.to === 'front' ? (lo ?? 0) - 1 : (hi ?? 0) + 1;
        } else if ('before' in move) {
          if (move.before === move.id) return;
          pos = nextTo(move.id, move.before, 'before');
        } else {
          if (move.after === move.id) return;
          pos = nextTo(move.id, move.after, 'after');
        }
        setPos.run(pos, move.id);
      })();
    },
  };
}
