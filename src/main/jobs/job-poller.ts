import type Database from 'better-sqlite3';
import type { SegmindClient } from '../segmind/index.ts';
import type { DurationEstimate, DurationEstimator } from './duration-estimator.ts';
import type { InFlight } from './in-flight.ts';
import { jobError } from './job-errors.ts';
import { seedMsFor } from './job-keys.ts';
import type { JobRow } from './job-store.ts';
import type { Parking } from './parking.ts';
import type { PollPolicy } from './poll-policy.ts';
import type { createRemoteFailures } from './remote-failures.ts';
import type { Finish, StepDeps } from './step-deps.ts';

export interface PollerDeps extends StepDeps {
  db: Database.Database;
  estimator: DurationEstimator;
  pollPolicy: PollPolicy;
  parking: Parking;
  inFlight: InFlight;
  failures: ReturnType<typeof createRemoteFailures>;
  client: () => SegmindClient | null;
  schedule(id: string, at: number): void;
  fetchResult(row: JobRow, client: SegmindClient, signal: AbortSignal): Promise<void>;
  finish: Finish;
}

/** Asks Segmind about submitted jobs when the poll policy says, and hands finished ones to the fetcher. */
export function createPoller(deps: PollerDeps) {
  const { db, store, now, random, gate, events } = deps;
  /** When each job was last seen unfinished: with the poll that saw it done, it brackets the finish. */
  const lastPending = new Map<string, number>();

  function schedulePoll(id: string, submittedAt: number, estimate: DurationEstimate): void {
    const t = now();
    const delay = deps.pollPolicy.nextDelayMs({
      sinceSubmitMs: t - submittedAt,
      expectedMs: estimate.meanMs,
      deviationMs: estimate.deviationMs,
      random,
    });
    deps.schedule(id, t + delay);
  }

  /** Runs the next remote step of a submitted or downloading job, or parks it while polls are held. */
  function step(id: string): void {
    if (deps.isStopped() || deps.inFlight.isBusy(id)) return;
    const row = store.get(id);
    if (!row || (row.state !== 'submitted' && row.state !== 'downloading')) return;
    const client = gate.mayPoll() ? deps.client() : null;
    if (!client) return deps.parking.park(id);
    deps.parking.forget(id);
    if (deps.failures.isExpired(row)) return deps.failures.expire(row);
    deps.inFlight.run(id, 'remote', (signal) =>
      row.state === 'submitted' ? poll(row, client, signal) : deps.fetchResult(row, client, signal),
    );
  }

  async function poll(row: JobRow, client: SegmindClient, signal: AbortSignal): Promise<void> {
    let answer;
    try {
      answer = await client.status(row.status_url ?? '', { signal });
    } catch (error) {
      return deps.failures.failed(row.id, 'status', error);
    }
    gate.succeeded();
    deps.book.succeeded(row.id);
    const t = now();
    if (answer.status === 'FAILED') {
      const reason = answer.error ?? 'Segmind reported that the generation failed.';
      store.logAttempt(row.id, 'status', 'FAILED', t, undefined, reason);
      deps.finish(row.id, ['submitted'], 'failed', jobError('failed', reason));
      return;
    }
    const submittedAt = row.submitted_at ?? row.created_at;
    if (answer.status === 'COMPLETED') {
      const pendingAt = lastPending.get(row.id) ?? submittedAt;
      const observed = (pendingAt + t) / 2 - submittedAt;
      const moved = db.transaction(() => {
        // A wide bracket (a long pause, a restart) would teach noise rather than the duration.
        if (t - pendingAt <= observed * 0.6)
          deps.estimator.observe(row.estimate_key, seedMsFor(row), observed);
        return store.transition(row.id, ['submitted'], { state: 'downloading', remote_status: null }, t);
      })();
      if (!moved) return;
      events.changed(row.id);
      const downloading = store.get(row.id);
      if (downloading) await deps.fetchResult(downloading, client, signal);
      return;
    }
    lastPending.set(row.id, t);
    if (answer.status !== row.remote_status) {
      if (store.transition(row.id, ['submitted'], { remote_status: answer.status }, t))
        events.changed(row.id);
    }
    schedulePoll(row.id, submittedAt, deps.estimator.estimate(row.estimate_key, seedMsFor(row)));
  }

  return {
    step,
    schedulePoll,
    forget: (id: string) => void lastPending.delete(id),
  };
}
