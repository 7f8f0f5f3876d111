import type Database from 'better-sqlite3';
import type { Job } from '../../shared/api/jobs.ts';
import type { untilRightApi } from '../../shared/api/until-right.ts';
import type { JobEngine } from '../jobs/job-engine.ts';
import type { Logger } from '../logging/logger.ts';
import type { EventBus } from '../rpc/event-bus.ts';
import type { HandlerMap } from '../rpc/handler-map.ts';
import type { TextCheckService } from './text-check-service.ts';
import { createUntilRight, type UntilRightDeps } from './until-right.ts';

/**
 * "Until it's right" as app-services wires it: told of every verdict and every job's move, its chains
 * sent to the page as untilRight:changed. `start()` once the engine runs.
 */
export function setupUntilRight(deps: {
  db: Database.Database;
  engine: JobEngine;
  checks: TextCheckService;
  bus: EventBus;
  budgetRefusal: UntilRightDeps['budgetRefusal'];
  logger: Logger;
}) {
  const service = createUntilRight({
    db: deps.db,
    engine: deps.engine,
    budgetRefusal: deps.budgetRefusal,
    emit: (chain) => deps.bus.emit('untilRight:changed', chain),
    check: (ids) => void deps.checks.run(ids),
    logger: deps.logger,
  });
  const stopChecks = deps.checks.onChanged((check) => service.textChecked(check));
  const stopJobs = deps.bus.subscribe((event, payload) => {
    if (event === 'jobs:changed') service.jobChanged(payload as Job);
  });
  const handlers: HandlerMap<typeof untilRightApi> = {
    'untilRight:list': ({ jobIds }) => service.list(jobIds),
  };
  return {
    service,
    handlers,
    dispose() {
      stopChecks();
      stopJobs();
    },
  };
}
