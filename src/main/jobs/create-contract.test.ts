import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { jobsApi, type Job } from '../../shared/api/jobs.ts';
import { openDatabase } from '../library/database.ts';
import { createDispatcher } from '../rpc/dispatcher.ts';
import { createJobEngine } from './job-engine.ts';
import { createJobHandlers } from './handlers.ts';

/**
 * jobs:create and jobs:variations through the real dispatcher: parameters are parsed once, at the
 * contract, by the model's own schema; what the engine stores is that parsed value with the seed drawn.
 */
const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
});

function setup() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jobs-contract-'));
  const db = openDatabase(path.join(dir, 'library.sqlite3'));
  cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
  cleanups.push(() => db.close());
  // No client: jobs stay queued, which is all these tests look at.
  const engine = createJobEngine({
    db,
    library: {
      dataDir: dir,
      checkWritable: () => Promise.resolve(),
      tempFile: () => Promise.reject(new Error('unused')),
      prepareImageFile: () => Promise.reject(new Error('unused')),
      insertGenerated: () => ({ id: 'x' }),
    },
    getClient: () => null,
    emit: () => undefined,
  });
  const dispatch = createDispatcher(jobsApi, createJobHandlers(engine));
  const call = (method: string, input: unknown) => dispatch(method, input, { transport: 'test' });
  const count = () => db.prepare('SELECT count(*) FROM jobs').pluck().get() as number;
  return { call, count };
}

describe('jobs:create at the contract', () => {
  it('refuses bad parameters with a validation error naming the field, and stores nothing', async () => {
    const { call, count } = setup();
    const bad = await call('jobs:create', {
      model: 'ideogram-3',
      params: { prompt: 'p', resolution: '3x3' },
    });
    expect(bad).toMatchObject({ ok: false, error: { code: 'validation' } });
    expect(!bad.ok && bad.error.issues?.[0]?.path).toBe('params.resolution');
    const stray = await call('jobs:create', { model: 'ideogram-3', params: { prompt: 'p', num_images: 2 } });
    expect(stray).toMatchObject({ ok: false, error: { code: 'validation' } });
    const unknown = await call('jobs:create', { model: 'ideogram-9', params: { prompt: 'p' } });
    expect(unknown).toMatchObject({ ok: false, error: { code: 'validation' } });
    expect(count()).toBe(0);
  });

  it('refuses a 10 MB prompt at the field instead of storing and streaming it', async () => {
    const { call, count } = setup();
    const huge = 'a'.repeat(10 * 1024 * 1024);
    for (const [model, params] of [
      ['ideogram-3', { prompt: huge }],
      ['ideogram-4', { prompt: huge }],
      ['ideogram-3-remix', { prompt: 'p', negative_prompt: huge, image: 'https://x.test/a.png' }],
    ] as const) {
      const answer = await call('jobs:create', { model, params });
      expect(answer).toMatchObject({ ok: false, error: { code: 'validation' } });
      const issue = !answer.ok ? answer.error.issues?.[0] : undefined;
      expect(issue?.path).toMatch(/^params\.(prompt|negative_prompt)$/);
      expect(issue?.message).toMatch(/at most 10,000 characters \(this one has 10,485,760\)/);
      // The answer names the length; it never echoes the text back.
      expect(JSON.stringify(answer).length).toBeLessThan(2000);
    }
    expect(count()).toBe(0);
  });

  it('stores the parsed request: defaults filled, the negative prompt sent empty, a drawn seed', async () => {
    const { call } = setup();
    const v3 = await call('jobs:create', {
      model: 'ideogram-3',
      params: { prompt: 'a woman walking her dog' },
    });
    const v4 = await call('jobs:create', { model: 'ideogram-4', params: { prompt: 'a poster', seed: -1 } });
    if (!v3.ok || !v4.ok) throw new Error('create failed');
    const v3Params = (v3.value as Job).params;
    expect(v3Params).toMatchObject({
      negative_prompt: '',
      rendering_speed: 'DEFAULT',
      resolution: '1024x1024',
    });
    for (const seed of [v3Params.seed, (v4.value as Job).params.seed]) {
      expect(Number.isInteger(seed) && (seed as number) >= 100 && (seed as number) <= 999_999).toBe(true);
    }
  });
});

describe('jobs:variations at the contract', () => {
  it('makes one image per variation of an 8-image 4.0 request unless asked, each with its own seed', async () => {
    const { call } = setup();
    const params = { prompt: 'eight logos', num_images: 8, seed: 4242 };
    const plain = await call('jobs:variations', { model: 'ideogram-4', params, count: 4 });
    if (!plain.ok) throw new Error(plain.error.message);
    const jobs = plain.value as Job[];
    expect(jobs.map((job) => job.params.num_images)).toEqual([1, 1, 1, 1]);
    expect(new Set(jobs.map((job) => job.params.seed)).size).toBe(4);
    expect(jobs.every((job) => job.params.seed !== 4242)).toBe(true);

    const asked = await call('jobs:variations', { model: 'ideogram-4', params, count: 2, imagesEach: 3 });
    expect(asked.ok && (asked.value as Job[]).map((job) => job.params.num_images)).toEqual([3, 3]);
    const tooMany = await call('jobs:variations', { model: 'ideogram-4', params, count: 2, imagesEach: 9 });
    expect(tooMany).toMatchObject({ ok: false, error: { code: 'validation' } });
    const noCount = await call('jobs:variations', {
      model: 'ideogram-3',
      params: { prompt: 'x' },
      count: 2,
      imagesEach: 2,
    });
    expect(!noCount.ok && noCount.error.message).toMatch(/one image per request/);
  });
});
