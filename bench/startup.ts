/**
 * bench:startup — what the start-up checks cost at 1,000,000 images.
 *
 * Builds a library of N rows (default 1,000,000; --rows=N; --quick is 100,000) through the same insert
 * path as generated images, then, side by side in one run:
 * 1. the old start (open + migrate) against the new one (header look, read-only probe, then open +
 *    migrate): the difference is what surviving damage costs every start;
 * 2. SQLite's full quick_check, which is why only small libraries get it before the studio opens;
 * 3. the data-folder lock;
 * 4. the automatic backup (SQLite's online backup, on its own thread) and the event loop's longest
 *    stall while it runs, against the same machine's stall with nothing running.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { openDatabase } from '../src/main/library/database.ts';
import { sha256Of } from '../src/main/library/file-store.ts';
import { insertImageRow } from '../src/main/library/image-rows.ts';
import { memoryLogger } from '../src/main/logging/logger.ts';
import { createAutoBackups } from '../src/main/recovery/auto-backup.ts';
import { acquireDataLock } from '../src/main/recovery/data-lock.ts';
import { libraryFileName, openLibrary } from '../src/main/recovery/library-open.ts';
import { mulberry32 } from '../src/main/simulator/seeded-random.ts';
import { printTable, writeResults, type Row } from './bench-table.ts';

const quick = process.argv.includes('--quick');
const flag = process.argv.find((a) => a.startsWith('--rows='));
const ROWS = flag ? Number(flag.split('=')[1]) : quick ? 100_000 : 1_000_000;
if (!Number.isInteger(ROWS) || ROWS < 1) throw new Error('--rows must be a positive integer');
const seed = 20261201;
console.log(
  `bench:startup: ${ROWS.toLocaleString()} rows, seed ${seed}, load average ${os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-startup-'));
const file = path.join(dataDir, libraryFileName);

function build(): number {
  const started = performance.now();
  const random = mulberry32(seed);
  const words = 'poster logo fox owl city forest neon retro bold title cover moon river castle'.split(' ');
  const db = openDatabase(file);
  for (let i = 0; i < ROWS; i += 5000) {
    db.exec('BEGIN');
    for (let j = i; j < Math.min(ROWS, i + 5000); j++) {
      const prompt = Array.from({ length: 14 }, () => words[Math.floor(random() * words.length)]).join(' ');
      insertImageRow(
        db,
        {
          sha256: sha256Of(Buffer.from(`row ${j}`)),
          format: 'png',
          mime: 'image/png',
          bytes: 1000,
          width: 1024,
          height: 1024,
          embedded: null,
        },
        {
          model: 'ideogram-3',
          prompt: `${prompt} ${j}`,
          params: { aspect_ratio: '1x1' },
          seed: j,
          jobId: `bench-${j}`,
          createdAt: Date.UTC(2025, 0, 1) + j * 30_000,
        },
        'generated',
        Date.now(),
      );
    }
    db.exec('COMMIT');
  }
  db.close();
  return (performance.now() - started) / 1000;
}

function medianOf3(run: () => void): number {
  const times = [0, 1, 2].map(() => {
    const t = performance.now();
    run();
    return performance.now() - t;
  });
  return times.sort((a, b) => a - b)[1]!;
}

try {
  const buildSeconds = build();
  const bytes = fs.statSync(file).size;
  console.log(`built in ${buildSeconds.toFixed(0)} s: ${(bytes / 1e6).toFixed(0)} MB`);

  const oldStart = medianOf3(() => openDatabase(file).close());
  const newStart = medianOf3(() => {
    const result = openLibrary({ dataDir });
    if (!result.ok) throw new Error(result.problem.message);
    result.library.db.close();
  });
  const db = openDatabase(file);
  const t = performance.now();
  db.pragma('quick_check');
  const quickCheck = performance.now() - t;
  const lockMs = medianOf3(() => acquireDataLock(dataDir, { kind: 'browser', version: 'bench' }).release());

  // The event loop's worst stall with nothing to do, then while the backup runs: side by side, since
  // on a shared machine the baseline alone can stall for tens of milliseconds.
  const watchLoop = () => {
    let worst = 0;
    let last = performance.now();
    const ticker = setInterval(() => {
      const now = performance.now();
      worst = Math.max(worst, now - last - 10);
      last = now;
    }, 10);
    return () => {
      clearInterval(ticker);
      return worst;
    };
  };
  const idle = watchLoop();
  await new Promise((resolve) => setTimeout(resolve, 3000));
  const idleStall = idle();
  const backups = createAutoBackups({ dataDir, logger: memoryLogger() });
  const during = watchLoop();
  const b = performance.now();
  await backups.maybeRun(db);
  const backupMs = performance.now() - b;
  const backupStall = during();
  db.close();

  const probeCost = newStart - oldStart;
  // Up to this size the full check runs before the studio opens (see openLibrary).
  const small = bytes <= 32 * 1024 * 1024;
  const rows: Row[] = [
    { measure: 'start: open + migrate (before)', ms: oldStart, target: '', held: '' },
    { measure: 'start: header + read-only probe + open + migrate', ms: newStart, target: '', held: '' },
    {
      measure: 'what the probe adds to every start',
      ms: probeCost,
      target: '< 250 ms',
      held: probeCost < 250,
    },
    {
      measure: 'full quick_check',
      ms: quickCheck,
      target: small ? '< 500 ms (runs at start)' : 'background only',
      held: small ? quickCheck < 500 : true,
    },
    { measure: 'data-folder lock, take + release', ms: lockMs, target: '< 20 ms', held: lockMs < 20 },
    { measure: 'automatic backup (online, own thread)', ms: backupMs, target: '', held: '' },
    { measure: 'longest event-loop stall, idle (baseline)', ms: idleStall, target: '', held: '' },
    {
      measure: 'longest event-loop stall during the backup',
      ms: backupStall,
      target: '< baseline + 50 ms',
      held: backupStall < idleStall + 50,
    },
  ];
  printTable(rows);
  const out = writeResults('startup', { rows: ROWS, bytes, seed, loadAverage: os.loadavg(), results: rows });
  console.log(`results: ${out}`);
} finally {
  fs.rmSync(dataDir, { recursive: true, force: true });
}
