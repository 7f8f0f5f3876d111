import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { activeJobStates, type BatchFinished, type Job, type QueueStatus } from '../../shared/api/jobs.ts';
import { AppError } from '../../shared/rpc.ts';
import { openDatabase } from '../library/database.ts';
import { createLibrary } from '../library/library.ts';
import { createSegmindClient, type SegmindClient } from '../segmind/index.ts';
import { startSimulator, type SimulatorOptions } from '../simulator/index.ts';
import { createJobEngine, type JobEngine, type JobEngineDeps } from './job-engine.ts';
import { warpedClock } from './test-support/warped-clock.ts';

const SCALE = 0.02;
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const turbo = (prompt: string) => ({ prompt, rendering_speed: 'TURBO', resolution: '512x1536' });

/** A real simulator, a real library on a temp folder, and an engine on a warped clock. */
async function world(
  options: {
    simulator?: SimulatorOptions;
    engine?: Partial<JobEngineDeps>;
    apiKey?: string;
    dataDir?: string;
  } = {},
) {
  const simulator = await startSimulator({ timeScale: SCALE, ...options.simulator });
  cleanups.push(() => simulator.close());
  const dataDir = options.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'jobs-engine-'));
  if (!options.dataDir) cleanups.push(() => fs.rmSync(dataDir, { recursive: true, force: true }));
  const clock = warpedClock(SCALE);
  const db = openDatabase(path.join(dataDir, 'library.sqlite3'));
  const library = createLibrary({ db, dataDir, now: clock.now });
  const clientFor = (apiKey: string) =>
    createSegmindClient({ baseUrl: simulator.url, apiKey, timeoutMs: 10_000 });
  let client: SegmindClient | null = clientFor(options.apiKey ?? 'good-key');
  const events: { name: string; payload: unknown }[] = [];
  const engine = createJobEngine({
    db,
    library,
    getClient: () => client,
    emit: (name, payload) => void events.push({ name, payload }),
    now: clock.now,
    timers: clock.timers,
    maxInFlight: 8,
    ...options.engine,
  });
  cleanups.push(async () => {
    await engine.stop();
    db.close();
  });
  return {
    simulator,
    db,
    engine,
    events,
    now: clock.now,
    setClient(next: SegmindClient | null) {
      client = next;
      engine.clientChanged();
    },
    clientFor,
  };
}

async function until(
  check: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const settled = (engine: JobEngine) => () =>
  activeJobStates.every((state) => engine.status().counts[state] === 0);

function thrown(fn: () => unknown): AppError {
  try {
    fn();
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected an AppError');
}

describe('job engine', () => {
  it('runs a job to the library, recording credits and emitting progress and a finished batch', async () => {
    const w = await world();
    w.engine.start();
    const job = w.engine.create({ model: 'ideogram-3', params: turbo('a lighthouse at dawn') });
    // Sent at once: the queue was idle and running.
    expect(job).toMatchObject({
      state: 'submitting',
      prompt: 'a lighthouse at dawn',
      attempts: 1,
      batchId: job.id,
    });
    await until(() => w.engine.get(job.id).state === 'completed', 'the job to complete');
    const done = w.engine.get(job.id);
    expect(done.imageIds).toHaveLength(1);
    expect(done.creditsSpent).toBeGreaterThan(0);
    expect(done.requestId).toBeTruthy();
    const image = w.db.prepare('SELECT job_id, output_index, prompt FROM images').get();
    expect(image).toEqual({ job_id: job.id, output_index: 0, prompt: 'a lighthouse at dawn' });
    const batch = w.events.find((e) => e.name === 'jobs:batchFinished')?.payload as BatchFinished;
    expect(batch).toMatchObject({
      batchId: job.id,
      completed: 1,
      failed: 0,
      imageIds: done.imageIds,
      queueIdle: true,
      message: '1 image ready: "a lighthouse at dawn"',
    });
    const states = w.events.filter((e) => e.name === 'jobs:changed').map((e) => (e.payload as Job).state);
    expect(states.at(-1)).toBe('completed');
    expect(w.engine.progress()).toEqual({ active: 0, done: 1, fraction: 1 });
  });

  it('fails a blocked prompt with the server text and lets many images come from one request', async () => {
    const w = await world();
    w.engine.start();
    const blocked = w.engine.create({ model: 'ideogram-3', params: turbo('a blocked-content poster') });
    const several = w.engine.create({
      model: 'ideogram-4',
      params: { prompt: 'four logos', num_images: 3, image_size: 'square', rendering_speed: 'TURBO' },
    });
    await until(settled(w.engine), 'both jobs to end');
    const failed = w.engine.get(blocked.id);
    expect(failed.state).toBe('failed');
    expect(failed.error?.kind).toBe('failed');
    expect(failed.error?.message).toMatch(/safety filter/);
    expect(w.engine.get(several.id).imageIds).toHaveLength(3);
  });

  it('pauses for a refused key and for no key, and resumes when a good key arrives', async () => {
    const w = await world({ simulator: { apiKey: 'good-key' }, apiKey: 'bad-key' });
    w.engine.start();
    const job = w.engine.create({ model: 'ideogram-3', params: turbo('key test') });
    await until(() => w.engine.status().reason === 'unauthorized', 'the unauthorized pause');
    expect(w.engine.get(job.id).state).toBe('queued');
    w.setClient(null);
    expect(w.engine.status()).toMatchObject({ state: 'paused', reason: 'no_key' });
    w.setClient(w.clientFor('good-key'));
    await until(() => w.engine.get(job.id).state === 'completed', 'the job to complete');
    expect(w.simulator.stats().submits).toBe(1);
    expect(w.engine.status().state).toBe('running');
  });

  it('pauses when credits run out and resumes when the user says so', async () => {
    const w = await world({ simulator: { credits: 0 } });
    w.engine.start();
    const job = w.engine.create({ model: 'ideogram-3', params: turbo('credit test') });
    await until(() => w.engine.status().reason === 'out_of_credits', 'the out-of-credits pause');
    expect(w.engine.get(job.id).state).toBe('queued');
    w.simulator.setCredits(100);
    expect(w.engine.resume().reason).toBeNull();
    await until(() => w.engine.get(job.id).state === 'completed', 'the job to complete');
  });

  it('keeps jobs made offline until the OS says the network is back', async () => {
    let online = false;
    const listeners = new Set<() => void>();
    const network = {
      isOnline: () => online,
      onChange(listener: () => void) {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
    };
    const w = await world({ engine: { network } });
    w.engine.start();
    const job = w.engine.create({ model: 'ideogram-3', params: turbo('offline test') });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(w.engine.status()).toMatchObject({ state: 'paused', reason: 'offline' });
    expect(w.engine.get(job.id).state).toBe('queued');
    expect(w.simulator.stats().submits).toBe(0);
    online = true;
    for (const listener of listeners) listener();
    await until(() => w.engine.get(job.id).state === 'completed', 'the job to complete');
    const statuses = w.events
      .filter((e) => e.name === 'queue:status')
      .map((e) => (e.payload as QueueStatus).reason);
    expect(statuses).toContain('offline');
  });

  it('notices Segmind is unreachable from errors alone, probes, and sends the waiting job once it is back', async () => {
    const w = await world();
    const port = new URL(w.simulator.url).port;
    await w.simulator.close();
    w.engine.start();
    const job = w.engine.create({ model: 'ideogram-3', params: turbo('made while unreachable') });
    await until(() => w.engine.status().reason === 'offline', 'the offline pause');
    expect(w.engine.status().resumeAt).not.toBeNull();
    // Connections were refused, so nothing can have reached Segmind: the job waits, not interrupted.
    expect(w.engine.get(job.id).state).toBe('queued');
    const back = await startSimulator({ timeScale: SCALE, port: Number(port) });
    cleanups.push(() => back.close());
    await until(() => w.engine.get(job.id).state === 'completed', 'the job to complete after the probe');
    expect(back.stats().submits).toBe(1);
    expect(w.engine.status().state).toBe('running');
  });

  it('cancels: a queued job costs nothing, a submitted one may be charged and is never stored', async () => {
    const w = await world({ engine: { maxInFlight: 1 } });
    w.engine.start();
    const first = w.engine.create({
      model: 'ideogram-3',
      params: { ...turbo('cancel me later'), rendering_speed: 'QUALITY' },
    });
    const second = w.engine.create({ model: 'ideogram-3', params: turbo('cancel me now') });
    expect(w.engine.cancel(second.id)).toMatchObject({ mayBeCharged: false, job: { state: 'canceled' } });
    await until(() => w.engine.get(first.id).state === 'submitted', 'the first job to be submitted');
    expect(w.engine.cancel(first.id)).toMatchObject({ mayBeCharged: true, job: { state: 'canceled' } });
    expect(thrown(() => w.engine.cancel(first.id)).code).toBe('conflict');
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(w.db.prepare('SELECT count(*) FROM images').pluck().get()).toBe(0);
    expect(w.simulator.stats().submitsByPrompt).toEqual({ 'cancel me later': 1 });
    // Retrying the canceled request fetches what Segmind still holds rather than paying again.
    expect(w.engine.retry(first.id).state).toBe('submitted');
    await until(() => w.engine.get(first.id).state === 'completed', 'the retried job to complete');
    expect(w.simulator.stats().submitsByPrompt).toEqual({ 'cancel me later': 1 });
    expect(w.engine.remove(second.id)).toEqual({ id: second.id });
    expect(thrown(() => w.engine.get(second.id)).code).toBe('not_found');
  });

  it('makes variations as one batch of distinct seeds', async () => {
    const w = await world();
    w.engine.start();
    const jobs = w.engine.variations({ model: 'ideogram-3', params: turbo('three foxes'), count: 3 });
    expect(new Set(jobs.map((job) => job.params.seed)).size).toBe(3);
    expect(new Set(jobs.map((job) => job.batchId)).size).toBe(1);
    await until(settled(w.engine), 'the batch to end');
    const finished = w.events
      .filter((e) => e.name === 'jobs:batchFinished')
      .map((e) => e.payload as BatchFinished);
    expect(finished).toHaveLength(1);
    expect(finished[0]).toMatchObject({ batchId: jobs[0]?.batchId, completed: 3, failed: 0 });
    expect(finished[0]?.imageIds).toHaveLength(3);
  });

  it('stops cleanly mid-work, and the next start finishes every job without sending one twice', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'jobs-stop-'));
    cleanups.push(() => fs.rmSync(dataDir, { recursive: true, force: true }));
    // Grace in engine time: 250 s warped is 5 s here, enough for a loaded machine to land every submit.
    const w = await world({ dataDir, engine: { submitGraceMs: 250_000 } });
    w.engine.start();
    for (let i = 0; i < 12; i++) w.engine.create({ model: 'ideogram-3', params: turbo(`stop test ${i}`) });
    await until(() => w.engine.status().counts.completed >= 2, 'some jobs to complete');
    await w.engine.stop();
    const counts = w.engine.status().counts;
    // The grace period let every submit on the wire land: nothing is left half-sent.
    expect(counts.submitting).toBe(0);
    expect(counts.completed).toBeLessThan(12);

    const again = createJobEngine({
      db: w.db,
      library: createLibrary({ db: w.db, dataDir, now: w.now }),
      getClient: () => w.clientFor('good-key'),
      emit: () => undefined,
      maxInFlight: 8,
      ...warpedClock(SCALE),
    });
    cleanups.push(() => again.stop());
    again.start();
    await until(settled(again), 'every job to end');
    expect(again.status().counts.completed).toBe(12);
    expect(Object.values(w.simulator.stats().submitsByPrompt)).toEqual(Array(12).fill(1));
    expect(w.db.prepare('SELECT count(DISTINCT job_id) FROM images').pluck().get()).toBe(12);
  });

  it('recovers after a restart: interrupted if caught sending, expired past retention, resumed otherwise', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'jobs-recover-'));
    cleanups.push(() => fs.rmSync(dataDir, { recursive: true, force: true }));
    const first = await world({ dataDir });
    const sending = first.engine.create({ model: 'ideogram-3', params: turbo('caught sending') });
    const old = first.engine.create({ model: 'ideogram-3', params: turbo('too old') });
    const live = first.engine.create({ model: 'ideogram-3', params: turbo('still there') });
    // What a crash leaves behind: a row in `submitting`, and two with request ids of different ages.
    const client = first.clientFor('good-key');
    const accepted = await client.submit('ideogram-3', turbo('still there'));
    await until(
      async () => (await client.status(accepted.statusUrl)).status === 'COMPLETED',
      'the request to finish',
    );
    const setRow = first.db.prepare(
      `UPDATE jobs SET state = ?, request_id = ?, status_url = ?, response_url = ?, submitted_at = ? WHERE id = ?`,
    );
    first.db.prepare(`UPDATE jobs SET state = 'submitting' WHERE id = ?`).run(sending.id);
    const urls = [accepted.requestId, accepted.statusUrl, accepted.responseUrl] as const;
    setRow.run('submitted', ...urls, first.now() - 2 * 3_600_000, old.id);
    setRow.run('downloading', ...urls, first.now(), live.id);
    await first.engine.stop();

    const second = createJobEngine({
      db: first.db,
      library: createLibrary({ db: first.db, dataDir, now: first.now }),
      getClient: () => first.clientFor('good-key'),
      emit: () => undefined,
      ...warpedClock(SCALE),
    });
    cleanups.push(() => second.stop());
    second.start();
    expect(second.get(sending.id)).toMatchObject({ state: 'interrupted', error: { kind: 'interrupted' } });
    expect(second.get(old.id)).toMatchObject({ state: 'expired', error: { kind: 'expired' } });
    await until(() => second.get(live.id).state === 'completed', 'the live job to complete');
    // The interrupted job goes out again only when the user asks.
    expect(first.simulator.stats().submitsByPrompt['caught sending']).toBeUndefined();
    expect(second.retry(sending.id)).toMatchObject({ state: 'submitting', error: null });
    await until(() => second.get(sending.id).state === 'completed', 'the retried job to complete');
    expect(first.simulator.stats().submitsByPrompt['caught sending']).toBe(1);
  });
});
