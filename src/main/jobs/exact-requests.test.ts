import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { jobsApi, type Job } from '../../shared/api/jobs.ts';
import type { ModelId } from '../../shared/models/index.ts';
import { cleanDraft, defaultsOf } from '../../renderer/src/features/compose/draft.ts';
import { openDatabase } from '../library/database.ts';
import { createLibrary } from '../library/library.ts';
import { createDispatcher } from '../rpc/dispatcher.ts';
import { createSegmindClient } from '../segmind/index.ts';
import { mulberry32 } from '../simulator/index.ts';
import { createJobHandlers } from './handlers.ts';
import { createJobEngine } from './job-engine.ts';
import { until } from './test-support/money-world.ts';
import { startRecordingSegmind, type SeedReport } from './test-support/recording-segmind.ts';
import { warpedClock } from './test-support/warped-clock.ts';

/**
 * "The request is what the user sees", checked on the wire: the form's own drafts go through the
 * contract, the engine and the client to a loopback server that records each body as it arrived.
 */
const KEY = 'SG_0123456789abcdef';
const samples = ['No people', 'No buildings', '123456', '6522'];
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function studio(seeds: SeedReport) {
  const server = await startRecordingSegmind({ key: KEY, seeds });
  cleanups.push(() => server.close());
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'exact-requests-'));
  cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
  const clock = warpedClock(0.02);
  const db = openDatabase(path.join(dir, 'library.sqlite3'));
  const library = createLibrary({ db, dataDir: dir, now: clock.now });
  const client = createSegmindClient({ baseUrl: server.url, apiKey: KEY, timeoutMs: 10_000 });
  // Seeded, and said, so a failing draw can be replayed.
  const seed = Math.floor(Math.random() * 2 ** 31);
  console.info(`[exact requests] random seed ${seed}`);
  const engine = createJobEngine({
    db,
    library,
    getClient: () => client,
    emit: () => undefined,
    now: clock.now,
    timers: clock.timers,
    random: mulberry32(seed),
    maxInFlight: 8,
  });
  cleanups.push(async () => {
    await engine.stop();
    db.close();
  });
  engine.start();
  const dispatch = createDispatcher(jobsApi, createJobHandlers(engine));

  /** What Generate sends: the form's draft for the model, cleaned as the form cleans it. */
  async function generate(model: ModelId, fields: Record<string, unknown>): Promise<Job> {
    const params = cleanDraft(model, { ...defaultsOf(model), ...fields });
    const answer = await dispatch('jobs:create', { model, params }, { transport: 'test' });
    if (!answer.ok) throw new Error(answer.error.message);
    const job = answer.value as Job;
    await until(() => ['completed', 'failed'].includes(engine.get(job.id).state), `job ${job.prompt}`);
    expect(engine.get(job.id)).toMatchObject({ state: 'completed', error: null });
    return engine.get(job.id);
  }
  const storedSeeds = (job: Job) =>
    db.prepare('SELECT seed FROM images WHERE job_id = ? ORDER BY output_index').pluck().all(job.id) as (
      number | null
    )[];
  const sentFor = (job: Job) => server.submits[Number(job.requestId?.split('-')[1]) - 1]?.body;
  return { server, generate, storedSeeds, sentFor };
}

const source = 'https://images.example.test/source.png';
const fieldsFor: Record<ModelId, Record<string, unknown>> = {
  'ideogram-3': { prompt: 'a woman walking her dog', negative_prompt: '' },
  'ideogram-3-remix': { prompt: 'a woman walking her dog', negative_prompt: '', image: source },
  'ideogram-4': { prompt: 'a poster that reads "OPEN"' },
};

describe('exact requests on the wire', () => {
  it('never sends sample text: a cleared negative prompt goes out empty, for each model', async () => {
    const s = await studio('per-request');
    for (const model of Object.keys(fieldsFor) as ModelId[]) {
      const job = await s.generate(model, fieldsFor[model]);
      const body = s.sentFor(job);
      expect(body, model).toBeDefined();
      if (model !== 'ideogram-4') expect(body?.negative_prompt, model).toBe('');
      else expect(body).not.toHaveProperty('negative_prompt');
      const text = JSON.stringify(body);
      for (const sample of samples) expect(text, `${model} sent "${sample}"`).not.toContain(sample);
      // What was sent is what the job records.
      expect(job.params).toEqual(body);
    }
    expect(s.server.submits.map((submit) => submit.slug)).toEqual([
      'ideogram-3',
      'ideogram-3-remix',
      'ideogram-4',
    ]);
  });

  it('sends two different seeds for two Random generations, each stored on its image; a locked seed sends the same', async () => {
    const s = await studio('per-request');
    for (const model of ['ideogram-3', 'ideogram-4'] as const) {
      const first = await s.generate(model, fieldsFor[model]);
      const second = await s.generate(model, fieldsFor[model]);
      const seeds = [s.sentFor(first)?.seed, s.sentFor(second)?.seed];
      for (const seed of seeds)
        expect(Number.isInteger(seed) && (seed as number) >= 100 && (seed as number) <= 999_999).toBe(true);
      expect(seeds[0], model).not.toBe(seeds[1]);
      expect([...s.storedSeeds(first), ...s.storedSeeds(second)]).toEqual(seeds);

      const lockedA = await s.generate(model, { ...fieldsFor[model], seed: 4242 });
      const lockedB = await s.generate(model, { ...fieldsFor[model], seed: 4242 });
      expect([s.sentFor(lockedA)?.seed, s.sentFor(lockedB)?.seed]).toEqual([4242, 4242]);
      expect([...s.storedSeeds(lockedA), ...s.storedSeeds(lockedB)]).toEqual([4242, 4242]);
    }
  });

  it('stores for each of four 4.0 images the seed the server reported for it', async () => {
    const perImage = await studio('per-image');
    const job = await perImage.generate('ideogram-4', { ...fieldsFor['ideogram-4'], num_images: 4 });
    const reported = perImage.server.reportedSeeds(job.requestId ?? '');
    expect(reported).toHaveLength(4);
    // The server picked its own seeds after the first: only reading them gets them right.
    expect(new Set(reported).size).toBe(4);
    expect(perImage.storedSeeds(job)).toEqual(reported);

    const perRequest = await studio('per-request');
    const one = await perRequest.generate('ideogram-4', { ...fieldsFor['ideogram-4'], num_images: 4 });
    const said = perRequest.server.reportedSeeds(one.requestId ?? '')[0];
    expect(perRequest.storedSeeds(one)).toEqual([said, said, said, said]);

    // A server that says nothing: the sent seed is known for the first image only.
    const silent = await studio('none');
    const quiet = await silent.generate('ideogram-4', { ...fieldsFor['ideogram-4'], num_images: 4 });
    expect(silent.storedSeeds(quiet)).toEqual([silent.sentFor(quiet)?.seed, null, null, null]);
  });
});
