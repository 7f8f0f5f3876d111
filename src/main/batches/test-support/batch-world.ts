import { startSimulator, type Simulator, type SimulatorOptions } from '../../simulator/index.ts';
import { createEngineWorld, type EngineWorld } from '../../jobs/test-support/engine-world.ts';
import type { JobEngineDeps } from '../../jobs/job-engine.ts';
import { consoleLogger } from '../../logging/logger.ts';
import { effectivePrices } from '../../../shared/pricing.ts';
import type { BatchSummary } from '../../../shared/api/batches.ts';
import type { Job } from '../../../shared/api/jobs.ts';
import { createBatchService, type BatchService } from '../batch-service.ts';

export interface BatchWorld extends EngineWorld {
  simulator: Simulator;
  batches: BatchService;
  /** Every batches:changed sent, in order. */
  emitted: BatchSummary[];
}

/**
 * The batch service on the real engine, a real SQLite file and library in a temp folder, and a
 * simulator on a loopback port, at `scale` (engine time runs 1/scale times faster than the wall's).
 */
export async function createBatchWorld(options: {
  scale: number;
  simulator?: SimulatorOptions;
  engine?: Partial<JobEngineDeps>;
}): Promise<BatchWorld> {
  const simulator = await startSimulator({ timeScale: options.scale, ...options.simulator });
  // The engine's events reach the batch service as app-services wires them.
  let service: BatchService | null = null;
  const world = createEngineWorld({
    baseUrl: simulator.url,
    scale: options.scale,
    engine: {
      emit: (event, payload) => {
        if (event === 'jobs:changed') service?.jobChanged(payload as Job);
      },
      ...options.engine,
    },
  });
  const emitted: BatchSummary[] = [];
  const batches = createBatchService({
    db: world.db,
    engine: world.engine,
    prices: () => effectivePrices(),
    createCollection: (name) => world.library.createCollection(name),
    emit: (summary) => emitted.push(summary),
    now: world.now,
    logger: consoleLogger,
  });
  service = batches;
  return {
    ...world,
    simulator,
    batches,
    emitted,
    async close() {
      batches.dispose();
      await world.close();
      await simulator.close();
    },
  };
}
