import fs from 'node:fs';
import path from 'node:path';
import { openDatabase } from '../../library/database.ts';
import { createLibrary } from '../../library/library.ts';
import { createSegmindClient } from '../../segmind/index.ts';
import { createJobEngine } from '../job-engine.ts';
import type { EmitJobsEvent } from '../job-events.ts';
import type { PollPolicy } from '../poll-policy.ts';
import { warpedClock } from './warped-clock.ts';

export interface SimulatedEngineOptions {
  dataDir: string;
  /** A simulator started with `timeScale: scale`. */
  baseUrl: string;
  scale: number;
  /** Shared by every run on the same data folder (see warpedClock). */
  epoch?: number;
  maxInFlight?: number;
  pollPolicy?: PollPolicy;
  retentionMs?: number;
  emit?: EmitJobsEvent;
  /** The engine's randomness (jitter, seeds of variations): tests pass a seeded one. */
  random?: () => number;
}

/**
 * The real engine on a real data folder, talking to a simulator, with engine time warped to the
 * simulator's scale. Used by the fault and crash tests, their child process, and bench:polling.
 */
export function createSimulatedEngine(options: SimulatedEngineOptions) {
  fs.mkdirSync(options.dataDir, { recursive: true });
  const clock = warpedClock(options.scale, options.epoch);
  const db = openDatabase(path.join(options.dataDir, 'library.sqlite3'));
  const library = createLibrary({ db, dataDir: options.dataDir, now: clock.now });
  const client = createSegmindClient({
    baseUrl: options.baseUrl,
    apiKey: 'simulated-key',
    timeoutMs: 15_000,
  });
  const engine = createJobEngine({
    db,
    library,
    getClient: () => client,
    emit: options.emit ?? (() => undefined),
    now: clock.now,
    timers: clock.timers,
    maxInFlight: options.maxInFlight,
    pollPolicy: options.pollPolicy,
    random: options.random,
    // The simulator keeps results an hour of wall-clock time, which is 1/scale hours of engine time.
    retentionMs: options.retentionMs ?? 3_600_000 / options.scale,
  });
  return {
    db,
    library,
    engine,
    now: clock.now,
    async close() {
      await engine.stop();
      db.close();
    },
  };
}
