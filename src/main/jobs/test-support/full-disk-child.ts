/**
 * The engine on a data folder that really fills up, for job-engine.full-disk.test.ts: run inside a
 * mount namespace whose data folder is a small tmpfs. Once its jobs are queued it fills the disk
 * with a ballast file but for `--leave` KB, and deletes the ballast when `--signal` appears (the
 * user emptying the trash). Prints one JSON line per queue status and, when no job is left, one
 * with every job's end, then exits 0. `--warm` first runs one job to its end and waits for the
 * reader thread's WAL checkpoint, so the disk fills under a library that has been at work (its WAL
 * copied back and started over) rather than under one just opened.
 *
 *   node full-disk-child.ts --data DIR --url SIMULATOR_URL --scale 0.05 --signal FILE --jobs N --leave KB [--warm]
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { activeJobStates, type QueueStatus } from '../../../shared/api/jobs.ts';
import { createSimulatedEngine } from './simulated-engine.ts';

const { values } = parseArgs({
  options: {
    data: { type: 'string' },
    url: { type: 'string' },
    scale: { type: 'string', default: '0.05' },
    signal: { type: 'string' },
    jobs: { type: 'string', default: '4' },
    leave: { type: 'string', default: '64' },
    warm: { type: 'boolean', default: false },
  },
});
if (!values.data || !values.url || !values.signal) {
  console.error('usage: full-disk-child.ts --data DIR --url URL --signal FILE [--jobs N] [--leave KB]');
  process.exit(2);
}
const dataDir = values.data;
const signal = values.signal;
const say = (line: object) => console.log(JSON.stringify(line));

const world = createSimulatedEngine({
  dataDir,
  baseUrl: values.url,
  scale: Number(values.scale),
  emit: (name, payload) => {
    if (name !== 'queue:status') return;
    const { reason, message } = payload as QueueStatus;
    say({ type: 'status', reason, message });
  },
});
const { engine } = world;
const idle = () => !activeJobStates.some((state) => engine.status().counts[state] > 0);

if (values.warm) {
  engine.create({
    model: 'ideogram-3',
    params: { prompt: 'before the disk fills', rendering_speed: 'TURBO', resolution: '512x1536' },
  });
  engine.start();
  while (!idle()) await new Promise((resolve) => setTimeout(resolve, 50));
  // The thread checkpoints once a second: two ticks, and main's next commit starts the WAL over.
  await new Promise((resolve) => setTimeout(resolve, 2_500));
}
const jobIds = Array.from(
  { length: Number(values.jobs) },
  (_, i) =>
    engine.create({
      model: 'ideogram-3',
      params: { prompt: `full disk ${i}`, rendering_speed: 'TURBO', resolution: '512x1536' },
    }).id,
);
const ballast = path.join(dataDir, 'ballast');
const { bavail, bsize } = fs.statfsSync(dataDir);
try {
  fs.writeFileSync(ballast, Buffer.alloc(Math.max(0, bavail * bsize - Number(values.leave) * 1024)));
} catch (error) {
  say({ type: 'note', text: `ballast stopped short: ${(error as Error).message}` });
}
if (!values.warm) engine.start();
say({ type: 'ready' });

const watch = setInterval(() => {
  if (fs.existsSync(signal) && fs.existsSync(ballast)) {
    fs.rmSync(ballast);
    say({ type: 'freed' });
  }
  if (!idle()) return;
  clearInterval(watch);
  const jobs = jobIds.map((id) => {
    const job = engine.get(id);
    return { state: job.state, error: job.error, images: job.imageIds.length };
  });
  say({ type: 'done', jobs });
  void world.close().then(() => process.exit(0));
}, 50);
