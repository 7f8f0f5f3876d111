import { rm } from 'node:fs/promises';
import type { JobError } from '../../shared/api/jobs.ts';
import { libraryLimits } from '../../shared/api/library.ts';
import type { Recipe } from '../library/image-rows.ts';
import type { PreparedImage } from '../library/prepare-image.ts';
import { SegmindError, type ResultBody, type SegmindClient } from '../segmind/index.ts';
import { jitteredBackoff } from './backoff.ts';
import type { DurationEstimate } from './duration-estimator.ts';
import { jobError, jobErrorFrom } from './job-errors.ts';
import { seedMsFor } from './job-keys.ts';
import type { RunnerShared } from './job-runner.ts';
import type { JobRow } from './job-store.ts';

/** Failures in a row on one job's polls or downloads before it fails for good. */
const MAX_REMOTE_RETRIES = 6;

/**
 * Asks Segmind about submitted jobs when the poll policy says, then fetches, checks and stores their
 * images; the library rows and the job's `completed` are one transaction, so an image is never stored
 * twice and a completed job never lacks its images.
 */
export function createPoller(shared: RunnerShared) {
  const { db, store, now, random, gate, events } = shared;
  /** When each job was last seen unfinished: with the poll that saw it done, it brackets the finish. */
  const lastPending = new Map<string, number>();

  function schedulePoll(id: string, submittedAt: number, estimate: DurationEstimate): void {
    const t = now();
    const delay = shared.pollPolicy.nextDelayMs({
      sinceSubmitMs: t - submittedAt,
      expectedMs: estimate.meanMs,
      deviationMs: estimate.deviationMs,
      random,
    });
    shared.schedule(id, t + delay);
  }

  /** Runs the next remote step of a submitted or downloading job. `probe`: allowed through while offline. */
  function step(id: string, probe = false): void {
    if (shared.isStopped() || shared.isBusy(id)) return;
    const row = store.get(id);
    if (!row || (row.state !== 'submitted' && row.state !== 'downloading')) return;
    if (!gate.isOpen() && !(probe && gate.onlyOffline())) {
      shared.parked.add(id);
      return;
    }
    const client = shared.clientOrPause();
    if (!client) {
      shared.parked.add(id);
      return;
    }
    shared.parked.delete(id);
    if (now() - (row.submitted_at ?? row.created_at) > shared.retentionMs) {
      expire(row);
      return;
    }
    shared.track(id, row.state === 'submitted' ? poll(row, client) : fetchResult(row, client));
  }

  function expire(row: JobRow): void {
    const gone = 'Segmind keeps results for one hour; this result was not fetched in time and is gone.';
    shared.finish(row.id, [row.state], 'expired', jobError('expired', gone));
  }

  async function poll(row: JobRow, client: SegmindClient): Promise<void> {
    let answer;
    try {
      answer = await client.status(row.status_url ?? '', { signal: shared.signalFor(row.id) });
    } catch (error) {
      return remoteFailed(row, 'status', error);
    }
    gate.succeeded();
    shared.streaks.delete(row.id);
    const t = now();
    if (answer.status === 'FAILED') {
      const reason = answer.error ?? 'Segmind reported that the generation failed.';
      store.logAttempt(row.id, 'status', 'FAILED', t, undefined, reason);
      shared.finish(row.id, ['submitted'], 'failed', jobError('failed', reason));
      return;
    }
    const submittedAt = row.submitted_at ?? row.created_at;
    if (answer.status === 'COMPLETED') {
      const pendingAt = lastPending.get(row.id) ?? submittedAt;
      const observed = (pendingAt + t) / 2 - submittedAt;
      const moved = db.transaction(() => {
        // A wide bracket (a long pause, a restart) would teach noise rather than the duration.
        if (t - pendingAt <= observed * 0.6)
          shared.estimator.observe(row.estimate_key, seedMsFor(row), observed);
        return store.transition(row.id, ['submitted'], { state: 'downloading', remote_status: null }, t);
      })();
      if (!moved) return;
      events.changed(row.id);
      const downloading = store.get(row.id);
      if (downloading) await fetchResult(downloading, client);
      return;
    }
    lastPending.set(row.id, t);
    if (answer.status !== row.remote_status) {
      if (store.transition(row.id, ['submitted'], { remote_status: answer.status }, t))
        events.changed(row.id);
    }
    schedulePoll(row.id, submittedAt, shared.estimator.estimate(row.estimate_key, seedMsFor(row)));
  }

  async function fetchResult(row: JobRow, client: SegmindClient): Promise<void> {
    const signal = shared.signalFor(row.id);
    let result: ResultBody;
    const prepared: PreparedImage[] = [];
    try {
      result = await client.result(row.response_url ?? '', { signal });
      for (const [index, source] of result.outputs.entries()) {
        // Streamed to a temp file with the size cap and hashed on the way, then decoded and renamed
        // into the store; a cut-off or corrupt image throws here and its temp file is removed.
        const temp = await shared.library.tempFile(`${row.id}-${index}`);
        try {
          const file = await client.downloadToFile(source, temp, {
            signal,
            maxBytes: libraryLimits.maxImageBytes,
          });
          // The grid needs its thumbnail at once; the detail preview waits for its first view, which
          // keeps the time from Segmind's COMPLETED to a visible library image short.
          prepared.push(
            await shared.library.prepareImageFile(file.path, { sha256: file.sha256, thumbnails: ['thumb'] }),
          );
        } finally {
          await rm(temp, { force: true });
        }
      }
    } catch (error) {
      return remoteFailed(row, 'download', error);
    }
    gate.succeeded(result.usage.remainingCredits);
    const t = now();
    const params = JSON.parse(row.params) as Record<string, unknown>;
    let completed = false;
    try {
      completed = db.transaction(() => {
        if (store.get(row.id)?.state !== 'downloading') return false;
        const imageIds = prepared.map(
          (image, index) =>
            shared.library.insertGenerated(image, recipeFor(row, params, result, index, t)).id,
        );
        store.logAttempt(row.id, 'store', 'ok', t);
        const done = {
          state: 'completed' as const,
          finished_at: t,
          image_ids: JSON.stringify(imageIds),
          credits_spent: result.usage.creditsConsumed ?? row.credits_spent,
        };
        return store.transition(row.id, ['downloading'], done, t);
      })();
    } catch (error) {
      return remoteFailed(row, 'store', error);
    }
    if (completed) shared.finished(row.id);
  }

  function remoteFailed(row: JobRow, stage: 'status' | 'download' | 'store', error: unknown): void {
    // stop() aborts requests; the row stays as it is and the next start picks it up.
    if (shared.isStopped()) return;
    const segmind = error instanceof SegmindError ? error : null;
    if (segmind?.kind === 'aborted') return;
    const t = now();
    const detail = error instanceof Error ? error.message : String(error);
    store.logAttempt(row.id, stage, segmind?.kind ?? 'error', t, segmind?.httpStatus, detail);
    const fail = (fallback: JobError['kind']) => {
      shared.finish(row.id, [row.state], 'failed', jobErrorFrom(error, fallback));
    };
    switch (segmind?.kind) {
      case 'rate_limited':
        gate.rateLimited(segmind.retryAfterMs);
        return shared.park(row.id);
      case 'unauthorized':
        shared.pause('unauthorized');
        return shared.park(row.id);
      case 'forbidden':
        shared.pause('forbidden', segmind.serverMessage);
        return shared.park(row.id);
      case 'insufficient_credits':
        shared.pause('out_of_credits');
        return shared.park(row.id);
      case 'failed':
      case 'bad_request':
        return fail('failed');
      case 'not_found':
        if (t - (row.submitted_at ?? row.created_at) > shared.retentionMs) return expire(row);
        break;
      case 'network':
      case 'timeout':
        gate.networkFailed();
        // Offline is the queue's problem, not this job's: it waits without using up its retries.
        if (!gate.isOpen()) return shared.park(row.id);
        break;
    }
    const tries = (shared.streaks.get(row.id) ?? 0) + 1;
    shared.streaks.set(row.id, tries);
    if (tries > MAX_REMOTE_RETRIES)
      return fail(segmind ? 'server' : stage === 'store' ? 'storage' : 'invalid_output');
    shared.schedule(row.id, t + jitteredBackoff(tries, random));
  }

  return {
    step,
    schedulePoll,
    forget: (id: string) => void lastPending.delete(id),
  };
}

function recipeFor(
  row: JobRow,
  params: Record<string, unknown>,
  result: ResultBody,
  outputIndex: number,
  createdAt: number,
): Recipe {
  const negative = params.negative_prompt;
  return {
    model: row.model,
    prompt: row.prompt,
    expandedPrompt: result.expandedPrompt ?? null,
    negativePrompt: typeof negative === 'string' ? negative : null,
    params,
    seed: result.seed ?? (typeof params.seed === 'number' ? params.seed : null),
    jobId: row.id,
    outputIndex,
    createdAt,
    parentJobId: row.parent_id,
  };
}
