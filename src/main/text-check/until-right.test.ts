import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { Budgets } from '../../shared/api/spend.ts';
import { parseModelParams, type ModelId } from '../../shared/models/index.ts';
import { mulberry32, startSimulator, type Simulator } from '../simulator/index.ts';
import type { TextFaults } from '../simulator/text-faults.ts';
import { createOcrReader } from './ocr-reader.ts';
import { untilRightWorld, until } from './test-support/until-right-world.ts';
import { attemptOutcome } from './until-right.ts';

const SCALE = 0.02;
const sign = 'A shop sign that says "OPEN LATE"';
// One OCR worker for every test: its engines start once.
const reader = createOcrReader();
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});
afterAll(() => reader.close());

function paramsOf(model: ModelId, raw: Record<string, unknown>) {
  const parsed = parseModelParams(model, raw);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
  return parsed.params;
}

async function world(name: string, options: { textFaults: TextFaults; budgets?: Budgets; noOcr?: boolean }) {
  const seed = Number(process.env.TEST_SEED) || 20270301;
  console.info(`[until right] ${name}: seed ${seed} (rerun with TEST_SEED=${seed})`);
  const simulator: Simulator = await startSimulator({ timeScale: SCALE, textFaults: options.textFaults });
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'until-right-'));
  const w = untilRightWorld({
    dataDir,
    baseUrl: simulator.url,
    scale: SCALE,
    reader,
    random: mulberry32(seed),
    ...(options.budgets ? { budgets: options.budgets } : {}),
    ...(options.noOcr ? { plan: { first: [], confirm: [], standIn: [] } } : {}),
  });
  cleanups.push(async () => {
    await w.close();
    await simulator.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });
  w.start();
  const settled = (id: string) => () => w.chain(id)?.state !== 'running';
  return { ...w, simulator, settled };
}

const turbo = () => paramsOf('ideogram-3', { prompt: sign, magic_prompt: 'OFF', rendering_speed: 'TURBO' });

// Real OCR (PaddleOCR on the worker thread) reading the simulator's real rendered images.
describe('until it is right', { timeout: 300_000 }, () => {
  it('retries a misspelled first attempt with a new seed, and stops at the first that reads right', async () => {
    const w = await world('retry passes', { textFaults: { misspellFirst: 1 } });
    const first = w.chains.create({ model: 'ideogram-3', params: turbo(), untilRight: { retries: 2 } });
    await until(w.settled(first.id), 'the chain to end');
    const chain = w.chain(first.id)!;
    expect(chain).toMatchObject({ state: 'passed', retries: 2, message: null });
    expect(chain.jobIds).toHaveLength(2);
    expect(chain.jobIds[0]).toBe(first.id);
    const [one, two] = chain.jobIds.map((id) => w.engine.get(id));
    // The retry is a real job: same model and params, a new seed the app drew and stored, linked to the first.
    expect(two!.parentId).toBe(first.id);
    expect(two!.model).toBe('ideogram-3');
    const { seed: seed1, ...rest1 } = one!.params;
    const { seed: seed2, ...rest2 } = two!.params;
    expect(rest2).toEqual(rest1);
    expect(typeof seed2).toBe('number');
    expect(seed2).not.toBe(seed1);
    // The failing image stays in the library; the chain points to the passing one, the retry's.
    expect(w.library.get(one!.imageIds[0]!).textStatus).toBe('attention');
    expect(chain.passingImageId).toBe(two!.imageIds[0]);
    expect(chain.passingJobId).toBe(two!.id);
    expect(w.library.get(chain.passingImageId!).textStatus).toBe('ok');
    expect(w.simulator.stats().submitsByPrompt[sign]).toBe(2);
    // The page heard each step: the first attempt, the retry queued, the pass.
    expect(w.chainEvents.map((event) => `${event.state}:${event.jobIds.length}`)).toEqual([
      'running:1',
      'running:2',
      'passed:2',
    ]);
    // Nothing more is sent once it passed.
    await w.checks.idle();
    expect(w.engine.status().counts.queued).toBe(0);
  });

  it('stops after its retries when every attempt is misspelled', async () => {
    const w = await world('every attempt wrong', { textFaults: { misspellFirst: 100 } });
    const first = w.chains.create({ model: 'ideogram-3', params: turbo(), untilRight: { retries: 2 } });
    await until(w.settled(first.id), 'the chain to end');
    const chain = w.chain(first.id)!;
    expect(chain).toMatchObject({ state: 'exhausted', passingImageId: null });
    expect(chain.message).toMatch(/still wrong after 3 attempts/);
    expect(chain.jobIds).toHaveLength(3);
    expect(w.simulator.stats().submitsByPrompt[sign]).toBe(3);
    const seeds = chain.jobIds.map((id) => w.engine.get(id).params.seed);
    expect(new Set(seeds).size).toBe(3);
    for (const id of chain.jobIds) {
      const job = w.engine.get(id);
      expect(w.library.get(job.imageIds[0]!).textStatus).toBe('attention');
    }
  });

  it('sends no retry a budget refuses, and says why', async () => {
    // One TURBO image ($0.0375) fits a $0.05 day; a second would cross it.
    const w = await world('budget refuses', {
      textFaults: { misspellFirst: 100 },
      budgets: { dailyUsd: 0.05, monthlyUsd: null },
    });
    const first = w.chains.create({ model: 'ideogram-3', params: turbo(), untilRight: { retries: 2 } });
    await until(w.settled(first.id), 'the chain to end');
    const chain = w.chain(first.id)!;
    expect(chain.state).toBe('budget');
    expect(chain.message).toMatch(/^Attempt 2 not sent: Daily budget reached/);
    expect(chain.jobIds).toEqual([first.id]);
    expect(w.simulator.stats().submits).toBe(1);
    expect(w.engine.status().counts.queued).toBe(0);
  });

  it('sends no retry when no OCR can run: it would be a guess', async () => {
    const w = await world('no OCR', { textFaults: { misspellFirst: 100 }, noOcr: true });
    const first = w.chains.create({ model: 'ideogram-3', params: turbo(), untilRight: { retries: 2 } });
    await until(w.settled(first.id), 'the chain to end');
    expect(w.chain(first.id)).toMatchObject({
      state: 'unchecked',
      message: expect.stringMatching(/could not be checked \(No OCR engine can run.*no retry was sent/),
    });
    expect(w.simulator.stats().submits).toBe(1);
  });

  it('refuses the option for a prompt that quotes nothing, and queues nothing', async () => {
    const w = await world('no quoted text', { textFaults: {} });
    const params = paramsOf('ideogram-3', { prompt: 'a red fox in the snow' });
    expect(() => w.chains.create({ model: 'ideogram-3', params, untilRight: { retries: 2 } })).toThrow(
      /needs text in quotes/,
    );
    expect(w.engine.list({ limit: 10 })).toEqual([]);
  });
});

describe('what an attempt comes to', () => {
  const image = (id: string, status: 'ok' | 'attention' | 'failed' | 'pending' | null, trashed = false) => ({
    id,
    status,
    error: status === 'failed' ? 'The image file is missing.' : null,
    trashed,
  });
  it('passes a several-image request on any one image spelled right, even before the others are read', () => {
    expect(attemptOutcome(1, 'completed', [image('a', 'attention'), image('b', 'ok')])).toEqual({
      kind: 'pass',
      imageId: 'b',
    });
    expect(attemptOutcome(1, 'completed', [image('a', 'pending'), image('b', 'ok')])).toMatchObject({
      kind: 'pass',
    });
  });
  it('is wrong only when every image was read and none passed; waits while one is unread', () => {
    expect(attemptOutcome(2, 'completed', [image('a', 'attention'), image('b', 'attention')])).toEqual({
      kind: 'wrong',
    });
    expect(attemptOutcome(2, 'completed', [image('a', 'attention'), image('b', 'pending')]).kind).toBe(
      'wait',
    );
    expect(attemptOutcome(2, 'completed', [image('a', null)]).kind).toBe('wait');
    expect(attemptOutcome(2, 'submitted', []).kind).toBe('wait');
  });
  it('never guesses: an image that could not be read, or none at all, stops the chain', () => {
    const unread = attemptOutcome(1, 'completed', [image('a', 'attention'), image('b', 'failed')]);
    expect(unread).toEqual({
      kind: 'unchecked',
      message:
        'The text of attempt 1 could not be checked (The image file is missing), so no retry was sent.',
    });
    expect(attemptOutcome(1, 'completed', [image('a', 'attention', true)]).kind).toBe('unchecked');
    expect(attemptOutcome(3, 'canceled', [])).toEqual({
      kind: 'ended',
      message: 'Attempt 3 canceled: no retry sent.',
    });
    expect(attemptOutcome(3, undefined, []).kind).toBe('ended');
  });
});
