import type { jobsApi } from '../../shared/api/jobs.ts';
import type { HandlerMap } from '../rpc/handler-map.ts';
import type { JobEngine } from './job-engine.ts';

/** The jobs feature's side of the contract; inputs arrive already parsed by the dispatcher. */
export function createJobHandlers(engine: JobEngine): HandlerMap<typeof jobsApi> {
  return {
    'jobs:create': (input) => engine.create(input),
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
