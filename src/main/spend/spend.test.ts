import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Conf from 'conf';
import { afterEach, describe, expect, it } from 'vitest';
import type { Job } from '../../shared/api/jobs.ts';
import type { Balance, SpendSummary, SpendTotals } from '../../shared/api/spend.ts';
import { createAppServices } from '../app-services.ts';
import { until } from '../jobs/test-support/money-world.ts';
import { createSessionKeyStore } from '../settings/key-store.ts';
import { createSettingsStore, settingsFileName } from '../settings/settings-store.ts';
import { startSimulator, type SimulatorOptions } from '../simulator/index.ts';
import { createWebOsHandlers } from '../web/web-os-handlers.ts';

const KEY = 'SG_0123456789abcdef';
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** The whole main side against a simulator standing in for the live Segmind, driven through the contract. */
async function app(simulator: SimulatorOptions = {}) {
  const sim = await startSimulator({ apiKey: KEY, timeScale: 0.02, ...simulator });
  cleanups.push(() => sim.close());
  const dataDir = mkdtempSync(join(tmpdir(), 'studio-spend-'));
  cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
  const services = await createAppServices({
    dataDir,
    settings: createSettingsStore(new Conf({ cwd: dataDir, configName: settingsFileName })),
    keyStore: createSessionKeyStore(),
    transport: 'web',
    version: '0.0.0-test',
    env: { SEGMIND_API_KEY: KEY, SEGMIND_BASE_URL: sim.url },
    osHandlers: (library) => createWebOsHandlers(library, dataDir),
  });
  cleanups.push(() => services.close());
  const events: { event: string; payload: unknown }[] = [];
  services.bus.subscribe((event, payload) => events.push({ event, payload }));
  async function call<T>(method: string, input: unknown = {}): Promise<T> {
    const answer = await services.dispatch(method, input, { transport: 'test' });
    if (!answer.ok) throw new Error(`${method}: ${answer.error.message}`);
    return answer.value as T;
  }
  /** Creates the jobs at once (they run side by side) and waits for them all to complete. */
  async function done(...requests: [string, Record<string, unknown>][]): Promise<Job[]> {
    const jobs = await Promise.all(
      requests.map(([model, params]) => call<Job>('jobs:create', { model, params })),
    );
    await until(() => jobs.every((job) => services.engine.get(job.id).state === 'completed'), 'the jobs');
    return jobs.map((job) => services.engine.get(job.id));
  }
  return { sim, services, call, done, events };
}

describe('spend and balance through the contract', () => {
  it('adds up today, this month, per model and per collection from the ledger, and tells the page', async () => {
    const { call, done, events } = await app();
    const [v3, v4] = await done(
      ['ideogram-3', { prompt: 'one', rendering_speed: 'TURBO' }],
      ['ideogram-4', { prompt: 'two', num_images: 2, rendering_speed: 'QUALITY' }],
    );
    if (!v3 || !v4) throw new Error('jobs missing');
    const collection = await call<{ id: number }>('library:createCollection', { name: 'Launch' });
    await call('library:addToCollection', { id: collection.id, ids: v4.imageIds });

    const summary = await call<SpendSummary>('spend:summary');
    // The simulator charges its own list prices: 0.03 and 2 x 0.10.
    expect(summary.today).toEqual({ usd: 0.23, images: 3, requests: 2, estimatedUsd: 0 });
    expect(summary.month).toEqual(summary.today);
    expect(summary.allTime).toEqual(summary.today);
    expect(summary.byModel.find((row) => row.model === 'ideogram-4')).toMatchObject({ usd: 0.2, images: 2 });
    expect(summary.byModel.find((row) => row.model === 'ideogram-3-remix')).toMatchObject({ usd: 0 });
    expect(summary.byCollection).toEqual([{ collectionId: collection.id, name: 'Launch', usd: 0.2 }]);
    // One image leaves the collection: what it cost leaves with it.
    await call('library:removeFromCollection', { id: collection.id, ids: v4.imageIds.slice(0, 1) });
    const after = await call<SpendSummary>('spend:summary');
    expect(after.byCollection.map((row) => row.usd)).toEqual([0.1]);
    expect(summary.days).toHaveLength(30);
    expect(summary.days.at(-1)?.usd).toBeCloseTo(0.23);
    // Observed charges now stand for the estimate, per model and speed.
    expect(summary.prices['ideogram-4']?.QUALITY).toEqual({ usd: 0.1, source: 'observed', samples: 1 });
    expect(summary.prices['ideogram-3']?.DEFAULT?.source).toBe('published');
    expect(v3.creditsSpent).toBe(0.03);

    await until(
      () =>
        events.some(
          (e) => e.event === 'spend:changed' && Math.abs((e.payload as SpendTotals).today.usd - 0.23) < 1e-9,
        ),
      'a spend:changed event with the new total',
    );
  });

  it("shows Segmind's balance, follows it down after jobs, and says unknown when the server tells nothing", async () => {
    const { sim, call, done, events } = await app({ credits: 3, freeCredits: 0.5 });
    await until(
      () => events.some((e) => e.event === 'balance:changed' && (e.payload as Balance).state === 'known'),
      'a balance',
    );
    expect(await call<Balance>('balance:get')).toMatchObject({
      state: 'known',
      usd: 3.5,
      credits: 3,
      freeCredits: 0.5,
      source: 'endpoint',
      simulated: false,
    });
    await done(['ideogram-3', { prompt: 'spend', rendering_speed: 'QUALITY' }]);
    // The submit's x-remaining-credits already says it; the route agrees when asked.
    expect((await call<Balance>('balance:get')).usd).toBeCloseTo(3.41);
    expect(await call<Balance>('balance:refresh')).toMatchObject({
      usd: 3.41,
      credits: 3,
      freeCredits: 0.41,
    });
    expect(sim.balance()).toEqual({ credits: 3, freeCredits: 0.41 });

    const silent = await app({ account: { headers: false, endpoint: false } });
    await silent.done(['ideogram-3', { prompt: 'quiet' }]);
    const unknown = await silent.call<Balance>('balance:refresh');
    expect(unknown).toMatchObject({ state: 'unknown', usd: null });
    expect(unknown.note).toMatch(/no balance route/);
    // No charge named: the ledger books the estimate, and says it is one.
    const summary = await silent.call<SpendSummary>('spend:summary');
    expect(summary.today).toMatchObject({ usd: 0.075, estimatedUsd: 0.075, requests: 1 });
  });
});
