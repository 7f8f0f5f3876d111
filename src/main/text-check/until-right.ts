import type Database from 'better-sqlite3';
import { isActiveJobState, type Job, type JobState, type UntilRightOption } from '../../shared/api/jobs.ts';
import type { TextCheck } from '../../shared/api/text-check.ts';
import type { UntilRightChain } from '../../shared/api/until-right.ts';
import {
  drawSeed,
  getModel,
  seedParamOf,
  type ModelId,
  type ModelParams,
} from '../../shared/models/index.ts';
import { quotedPhrases } from '../../shared/quoted-text.ts';
import { AppError } from '../../shared/rpc.ts';
import type { CreateJobInput, JobEngine } from '../jobs/job-engine.ts';
import type { Logger } from '../logging/logger.ts';
import {
  attemptImages,
  attemptJobs,
  attemptParams,
  chainOfJob,
  chainRow,
  chainsOfJobs,
  chainView,
  countRetry,
  endChain,
  insertAttempt,
  insertChain,
  jobOfImage,
  jobStateOf,
  reopenChain,
  runningChains,
  type AttemptImage,
} from './until-right-store.ts';

/**
 * What one attempt came to.
 *
 * When does an attempt pass? A request can make several images (Ideogram 4.0's num_images): it
 * passes as soon as any one of its images has every quoted phrase spelled right (check status 'ok'),
 * because that image is what the user wanted and the chain points to it. It is wrong only when every
 * image has been checked and none passed. If any image could not be checked (OCR unavailable, file
 * unreadable) and none passed, nothing is known: no retry is sent on a guess.
 */
export type AttemptOutcome =
  | { kind: 'wait' }
  | { kind: 'pass'; imageId: string }
  | { kind: 'wrong' }
  | { kind: 'unchecked'; message: string }
  | { kind: 'ended'; message: string };

export function attemptOutcome(
  attempt: number,
  state: JobState | undefined,
  images: readonly AttemptImage[],
): AttemptOutcome {
  if (state === undefined) {
    return { kind: 'ended', message: `Attempt ${attempt} was removed from the queue: no retry sent.` };
  }
  if (isActiveJobState(state)) return { kind: 'wait' };
  if (state !== 'completed') return { kind: 'ended', message: `Attempt ${attempt} ${state}: no retry sent.` };
  const passing = images.find((image) => image.status === 'ok');
  if (passing) return { kind: 'pass', imageId: passing.id };
  // An image in the trash waits with its check (text-check-service.ts): it decides nothing now.
  const waiting = images.filter((image) => !image.trashed);
  if (waiting.some((image) => image.status === null || image.status === 'pending')) return { kind: 'wait' };
  const failed = images.find((image) => image.status === 'failed');
  if (failed || waiting.length === 0) {
    const why = failed?.error ?? 'its images are not in the library';
    return {
      kind: 'unchecked',
      message: `The text of attempt ${attempt} could not be checked (${why.replace(/\.$/, '')}), so no retry was sent.`,
    };
  }
  return { kind: 'wrong' };
}

export interface UntilRightDeps {
  db: Database.Database;
  engine: Pick<JobEngine, 'create'>;
  /** Why the budgets would refuse a request now, or null (spend's budget guard, nothing booked). */
  budgetRefusal(request: { model: ModelId; params: ModelParams }): string | null;
  /** Told of every change of a chain (forwarded to the page as untilRight:changed). */
  emit(chain: UntilRightChain): void;
  /** Queues images for a check (the text check's run). */
  check(imageIds: string[]): void;
  now?: () => number;
  random?: () => number;
  logger?: Logger;
}

export type UntilRightService = ReturnType<typeof createUntilRight>;

/**
 * "Until it's right": a job whose text check fails gets up to N retries, each a real job with a new
 * seed the app draws (same model and parameters otherwise), until one passes.
 *
 * Nothing here waits: the check is already asynchronous, and a retry is queued when its verdict (or
 * its job's end) is told to `textChecked` / `jobChanged`. Every decision is made from SQLite alone,
 * so `start()` after a crash or restart makes exactly the decisions that were left unmade; the retry's
 * job and its attempt row are one transaction, so no verdict can queue the same retry twice.
 */
export function createUntilRight(deps: UntilRightDeps) {
  const { db, engine } = deps;
  const now = deps.now ?? Date.now;
  const random = deps.random ?? Math.random;

  function told(chainId: string): void {
    const view = chainView(db, chainId);
    if (view) deps.emit(view);
  }

  /** A seed none of the chain's attempts used. */
  function freshSeed(chainId: string, name: string, rule: Parameters<typeof drawSeed>[0]): number {
    const used = new Set<unknown>(
      attemptParams(db, chainId).map((params) => (JSON.parse(params) as Record<string, unknown>)[name]),
    );
    let seed = drawSeed(rule, random);
    for (let tries = 0; used.has(seed) && tries < 100; tries++) seed = drawSeed(rule, random);
    return seed;
  }

  function queueRetry(chainId: string): void {
    const chain = chainRow(db, chainId)!;
    const attempt = chain.queued + 2;
    const params = JSON.parse(chain.params) as ModelParams;
    const seed = seedParamOf(getModel(chain.model))!;
    const request = {
      model: chain.model,
      params: { ...params, [seed.name]: freshSeed(chainId, seed.name, seed.rule) },
    };
    const refusal = deps.budgetRefusal(request);
    if (refusal) {
      endChain(db, chainId, { state: 'budget', message: `Attempt ${attempt} not sent: ${refusal}` }, now());
      return;
    }
    engine.create(request, {
      parentId: chainId,
      afterInsert(jobId) {
        // Someone decided for this verdict already: the insert rolls back with this throw.
        if (!countRetry(db, chainId, chain.queued, now()))
          throw new AppError('conflict', 'retry already queued');
        insertAttempt(db, jobId, chainId, attempt);
      },
    });
  }

  /** Looks at the chain's last attempt and does what it calls for: wait, stop, or queue a retry. */
  function evaluate(chainId: string): void {
    const chain = chainRow(db, chainId);
    if (!chain || chain.state !== 'running') return;
    const jobs = attemptJobs(db, chainId);
    const attempt = jobs.length;
    const last = jobs[attempt - 1]!;
    const outcome = attemptOutcome(attempt, jobStateOf(db, last), attemptImages(db, last));
    const t = now();
    switch (outcome.kind) {
      case 'wait':
        return;
      case 'pass':
        endChain(db, chainId, { state: 'passed', message: null, jobId: last, imageId: outcome.imageId }, t);
        break;
      case 'unchecked':
        endChain(db, chainId, { state: 'unchecked', message: outcome.message }, t);
        break;
      case 'ended':
        endChain(db, chainId, { state: 'stopped', message: outcome.message }, t);
        break;
      case 'wrong':
        if (chain.queued >= chain.retries) {
          const message = `The text was still wrong after ${attempt} attempts.`;
          endChain(db, chainId, { state: 'exhausted', message }, t);
        } else {
          try {
            queueRetry(chainId);
          } catch (error) {
            // A full disk, or a decision already made: the chain stays running and is looked at again
            // at the next verdict or start.
            deps.logger?.warn(`[until-right] chain ${chainId}: no retry queued now:`, error);
            return;
          }
        }
        break;
    }
    told(chainId);
  }

  function evaluateSafely(chainId: string): void {
    try {
      evaluate(chainId);
    } catch (error) {
      deps.logger?.error(`[until-right] chain ${chainId} could not be evaluated:`, error);
    }
  }

  return {
    /**
     * Decides what a crash or quit left undecided: verdicts stored while no retry was queued yet. An
     * attempt's image stored just before a kill may never have been marked for its check (the mark
     * follows the job's transaction): it is sent to the check now, or the chain would wait forever.
     */
    start(): void {
      for (const id of runningChains(db)) {
        const last = attemptJobs(db, id).at(-1)!;
        const unmarked = attemptImages(db, last).filter((image) => image.status === null && !image.trashed);
        if (jobStateOf(db, last) === 'completed' && unmarked.length > 0) {
          deps.check(unmarked.map((image) => image.id));
        }
        evaluateSafely(id);
      }
    },

    /** jobs:create with the option on: the job and its chain are written together. */
    create(input: CreateJobInput & { untilRight: UntilRightOption }): Job {
      const prompt = typeof input.params.prompt === 'string' ? input.params.prompt : '';
      if (quotedPhrases(prompt).length === 0) {
        const message =
          '“Until it’s right” needs text in quotes in the prompt: without it there is nothing to check.';
        throw new AppError('validation', message, [{ path: 'params.prompt', message }]);
      }
      if (!seedParamOf(getModel(input.model))) {
        throw new AppError('validation', 'This model takes no seed, so a retry would make the same image.');
      }
      const job = engine.create(
        { model: input.model, params: input.params },
        { afterInsert: (jobId) => insertChain(db, jobId, input.untilRight.retries, now()) },
      );
      told(job.id);
      return job;
    },

    /** A verdict arrived (text-check-service's onChanged). */
    textChecked(check: TextCheck): void {
      if (check.status === null || check.status === 'pending') return;
      const jobId = jobOfImage(db, check.imageId);
      const chainId = jobId === null ? undefined : chainOfJob(db, jobId);
      if (chainId) evaluateSafely(chainId);
    },

    /** A job moved (jobs:changed): an attempt that ended without images stops its chain. */
    jobChanged(job: Job): void {
      const chainId = chainOfJob(db, job.id);
      if (!chainId) return;
      const jobs = attemptJobs(db, chainId);
      if (isActiveJobState(job.state) && jobs.at(-1) === job.id && reopenChain(db, chainId, now())) {
        told(chainId);
        return;
      }
      evaluateSafely(chainId);
    },

    list(jobIds: readonly string[]): UntilRightChain[] {
      return chainsOfJobs(db, jobIds).flatMap((id) => chainView(db, id) ?? []);
    },
  };
}
