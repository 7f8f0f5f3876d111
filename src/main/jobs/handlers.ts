import type { Job, jobsApi, UntilRightOption } from '../../shared/api/jobs.ts';
import { AppError } from '../../shared/rpc.ts';
import type { HandlerMap } from '../rpc/handler-map.ts';
import type { CreateJobInput, JobEngine } from './job-engine.ts';

/**
 * The jobs feature's side of the contract; inputs arrive already parsed by the dispatcher. A job with
 * "until it's right" on is made by that service (src/main/text-check/until-right.ts), with its chain.
 */
export function createJobHandlers(
  engine: JobEngine,
  untilRight?: { create(input: CreateJobInput & { untilRight: UntilRightOption }): Job },
): HandlerMap<typeof jobsApi> {
  return {
    'jobs:create': ({ untilRight: option, ...input }) => {
      if (!option) return engine.create(input);
      if (!untilRight) throw new AppError('unavailable', '“Until it’s right” is not available here.');
      return untilRight.create({ ...input, untilRight: option });
    },
    'jobs:list': (input) => engine.list(input),
    'jobs:cancel': ({ id }) => engine.cancel(id),
    'jobs:retry': ({ id }) => engine.retry(id),
    'jobs:remove': ({ id }) => engine.remove(id),
    'jobs:variations': (input) => engine.variations(input),
    'queue:status': () => engine.status(),
    'queue:resume': () => engine.resume(),
    'queue:pause': () => engine.pause(),
    'queue:waiting': ({ limit, offset }) => ({
      jobs: engine.waiting(limit, offset),
      total: engine.status().counts.queued ?? 0,
    }),
    'queue:move': (move) => {
      engine.move(move);
      return { ok: true };
    },
  };
}
