import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { activeJobStates, type QueueStatus } from '../../../shared/api/jobs.ts';
import { openDatabase } from '../../library/database.ts';
import { createLibrary, type Library } from '../../library/library.ts';
import { createSegmindClient, type SegmindClientOptions } from '../../segmind/index.ts';
import { createJobEngine, type JobEngine, type JobEngineDeps, type JobLibrary } from '../job-engine.ts';
import type { Timers } from '../shared-timer.ts';
import { warpedClock } from './warped-clock.ts';

export interface EngineWorldOptions {
  baseUrl: string;
  apiKey?: string;
  /** Engine time runs 1/scale times faster than the wall clock; 1 = real time. */
  scale?: number;
  client?: Partial<SegmindClientOptions>;
  engine?: Partial<JobEngineDeps>;
  /** Wraps the real library, e.g. to make its writes fail like a full disk. */
  library?: (library: Library) => JobLibrary;
  /** Wraps the engine's timers, e.g. to record what they are asked for. */
  timers?: (timers: Timers) => Timers;
}

export interface EngineWorld {
  dataDir: string;
  db: ReturnType<typeof openDatabase>;
  library: Library;
  engine: JobEngine;
  now: () => number;
  /** Every queue:status the engine emitted, in order, with the engine time it was sent at. */
  statuses: { at: number; status: QueueStatus }[];
  settled(): boolean;
  close(): Promise<void>;
}

/** The real engine on a real SQLite file and library in a fresh temp folder, talking HTTP to `baseUrl`. */
export function createEngineWorld(options: EngineWorldOptions): EngineWorld {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'jobs-world-'));
  const clock = warpedClock(options.scale ?? 1);
  const db = openDatabase(path.join(dataDir, 'library.sqlite3'));
  const library = createLibrary({ db, dataDir, now: clock.now });
  const client = createSegmindClient({
    baseUrl: options.baseUrl,
    apiKey: options.apiKey ?? 'loopback-key-1234',
    timeoutMs: 5000,
    ...options.client,
  });
  const statuses: EngineWorld['statuses'] = [];
  const engine = createJobEngine({
    db,
    library: options.library?.(library) ?? library,
    getClient: () => client,
    emit: (name, payload) => {
      if (name === 'queue:status') statuses.push({ at: clock.now(), status: payload as QueueStatus });
    },
    now: clock.now,
    timers: options.timers?.(clock.timers) ?? clock.timers,
    ...options.engine,
  });
  return {
    dataDir,
    db,
    library,
    engine,
    now: clock.now,
    statuses,
    settled: () => activeJobStates.every((state) => engine.status().counts[state] === 0),
    async close() {
      await engine.stop();
      db.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export async function until(check: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** An error shaped like the one Node's fs throws, for injecting a full or read-only disk. */
export function fsError(
  code: 'ENOSPC' | 'EACCES' | 'EROFS' | 'EDQUOT',
  syscall: string,
): NodeJS.ErrnoException {
  const text = {
    ENOSPC: 'no space left on device',
    EACCES: 'permission denied',
    EROFS: 'read-only file system',
    EDQUOT: 'disk quota exceeded',
  }[code];
  return Object.assign(new Error(`${code}: ${text}, ${syscall}`), { code, syscall, errno: -1 });
}
