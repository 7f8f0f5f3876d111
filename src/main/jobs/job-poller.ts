import type Database from 'better-sqlite3';
import type { SegmindClient } from '../segmind/index.ts';
import type { DurationEstimator } from './duration-estimator.ts';
import type { InFlight } from './in-flight.ts';
import { jobError } from './job-errors.ts';
import { seedMsFor } from './job-keys.ts';
import type { JobRow } from './job-store.ts';
import type { Parking } from './parking.ts';
import { finishChance, sampleFrom, type PollObservation } from './poll-planner.ts';
import type { PollPolicy } from './poll-policy.ts';
import type { RequestBudget } from './request-budget.ts';
import type { createRemoteFailures } from './remote-failures.ts';
import type { Finish, StepDeps } from './step-deps.ts';

export interface PollerDeps extends StepDeps {
  db: Database.Database;
  estimator: DurationEstimator;
  pollPolicy: PollPolicy;
  budget: RequestBudget;
  parking: Parking;
  inFlight: InFlight;
  failures: ReturnType<typeof createRemoteFailures>;
  client: () => SegmindClient | null;
  schedule(id: string, at: number): void;
  fetchResult(row: JobRow, client: SegmindClient, signal: AbortSignal): Promise<void>;
  finish: Finish;
}

/** What one request's polls have seen; `learnable` is false when the app was not watching all along. */
interface Watch {
  observation: PollObservation;
  learnable: boolean;
}

/** Asks Segmind about submitted jobs when the poll policy says, and hands finished ones to the fetcher. */
export function createPoller(deps: PollerDeps) {
  const { db, store, now, gate, events } = deps;
  const watches = new Map<string, Watch>();

  /**
   * A job polled again after a restart (or a retry) has an unknown past: its first answers teach the
   * plan from here on, but not the estimator, whose samples must be whole durations.
   */
  function watchOf(row: JobRow): Watch {
    let watch = watches.get(row.id);
    if (!watch) {
      const submittedAt = row.submitted_at ?? row.created_at;
      const seen = Math.max(submittedAt, now());
      watch = {
        observation: { submittedAt, lastPendingAt: seen, lastQueuedAt: null, firstProcessingAt: null },
        learnable: false,
      };
      watches.set(row.id, watch);
    }
    return watch;
  }

  function beliefsOf(row: JobRow) {
    return deps.estimator.beliefs(row.estimate_key, seedMsFor(row));
  }

  function plan(row: JobRow): void {
    const watch = watchOf(row);
    const at = deps.pollPolicy.nextPollAt(watch.observation, beliefsOf(row), now(), deps.budget.pressure());
    deps.schedule(row.id, at);
  }

  /** Segmind took the job just now (its answer said QUEUED): watch it from the start. */
  function accepted(id: string, submittedAt: number): void {
    watches.set(id, {
      observation: {
        submittedAt,
        lastPendingAt: submittedAt,
        lastQueuedAt: submittedAt,
        firstProcessingAt: null,
        polls: 0,
      },
      learnable: true,
    });
    const row = store.get(id);
    if (row) plan(row);
  }

  /**
   * What a request to Segmind is worth when requests are scarce (request-budget.ts): a result to fetch
   * is a finished, paid image; a poll is worth its chance of finding its job done.
   */
  function valueOf(id: string): number {
    const row = store.get(id);
    if (!row || row.state === 'downloading') return 1;
    return finishChance(watchOf(row).observation, beliefsOf(row), now());
  }

  /** The timer says it is time: the next request goes out when the budget allows. */
  function due(id: string): void {
    deps.budget.ask(
      `poll:${id}`,
      'poll',
      () => valueOf(id),
      () => step(id),
    );
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
    const watch = watchOf(row);
    const { observation } = watch;
    if (answer.status === 'COMPLETED') {
      const sample = watch.learnable ? sampleFrom(observation, t) : null;
      const moved = db.transaction(() => {
        if (sample) deps.estimator.observe(row.estimate_key, sample);
        return store.transition(row.id, ['submitted'], { state: 'downloading', remote_status: null }, t);
      })();
      if (!moved) return;
      events.changed(row.id);
      const downloading = store.get(row.id);
      if (!downloading) return;
      // Fetching the result is a request too: at once if the budget has a token, else first in line.
      if (deps.budget.take('poll')) await deps.fetchResult(downloading, client, signal);
      else due(row.id);
      return;
    }
    observation.lastPendingAt = t;
    if (observation.polls !== undefined) observation.polls++;
    if (answer.status === 'QUEUED') observation.lastQueuedAt = t;
    else observation.firstProcessingAt ??= t;
    if (answer.status !== row.remote_status) {
      if (store.transition(row.id, ['submitted'], { remote_status: answer.status }, t))
        events.changed(row.id);
    }
    plan(row);
  }

  return {
    step,
    due,
    accepted,
    forget(id: string) {
      watches.delete(id);
      deps.budget.cancel(`poll:${id}`);
    },
  };
}
