import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach } from 'vitest';
import { openDatabase } from '../../library/database.ts';
import { mulberry32, startSimulator, type SimulatorOptions } from '../../simulator/index.ts';
import { killableChildren } from './killable-child.ts';

type Database = ReturnType<typeof openDatabase>;

/**
 * What every SIGKILL test sets up: children of `entry` it can kill (none left after a test), and per
 * test a seeded world — the seed printed (TEST_SEED reruns it), the simulator at the test's time scale,
 * a data folder, the arguments every child reads (child-args.ts) and a way to look into its library
 * between runs. All of it is taken down after each test.
 */
export function crashKit(entry: string) {
  const children = killableChildren(entry);
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    children.killAll();
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function world(options: {
    /** Names the seed line and the data folder. */
    label: string;
    scale: number;
    /** A fixed seed instead of a random one, for a test whose steps must meet set moments. */
    seed?: number;
    simulator?: Omit<SimulatorOptions, 'timeScale'>;
  }) {
    const seed = Number(process.env.TEST_SEED) || options.seed || Math.floor(Math.random() * 2 ** 31);
    console.info(`[${options.label}] seed ${seed} (rerun with TEST_SEED=${seed})`);
    const simulator = await startSimulator({ ...options.simulator, timeScale: options.scale });
    cleanups.push(() => simulator.close());
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `${options.label.replace(/\W+/g, '-')}-`));
    cleanups.push(() => fs.rmSync(dataDir, { recursive: true, force: true }));
    const args = [
      '--data',
      dataDir,
      '--url',
      simulator.url,
      '--scale',
      String(options.scale),
      '--epoch',
      String(Date.now()),
    ];
    /** Opens the library the children share, runs `query` on it and closes it again. */
    const read = <T>(query: (db: Database) => T): T => {
      const db = openDatabase(path.join(dataDir, 'library.sqlite3'));
      try {
        return query(db);
      } finally {
        db.close();
      }
    };
    return { seed, random: mulberry32(seed), simulator, dataDir, args, read };
  }

  /** Runs after the test, before the world is taken down. */
  const afterTest = (cleanup: () => Promise<void> | void) => void cleanups.push(cleanup);
  return { run: children.run, world, afterTest };
}
