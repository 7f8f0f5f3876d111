import { afterEach, describe, expect, it } from 'vitest';
import { createSegmindClient } from '../segmind/index.ts';
import { startSimulator, type Simulator } from '../simulator/index.ts';
import { createJobEngine } from './job-engine.ts';
import { createEngineWorld, until, type EngineWorld } from './test-support/engine-world.ts';

const SCALE = 0.01;
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function world(maxInFlight = 1): Promise<{ simulator: Simulator; w: EngineWorld }> {
  const simulator = await startSimulator({ timeScale: SCALE });
  cleanups.push(() => simulator.close());
  const w = createEngineWorld({ baseUrl: simulator.url, scale: SCALE, engine: { maxInFlight } });
  cleanups.push(() => w.close());
  return { simulator, w };
}

const prompts = (w: EngineWorld) => w.engine.waiting(100, 0).map((job) => job.prompt);
const make = (w: EngineWorld, prompt: string) =>
  w.engine.create({
    model: 'ideogram-3',
    params: { prompt, rendering_speed: 'TURBO', resolution: '512x1536' },
  });

describe('queue control', () => {
  it('sends waiting jobs in the order the user set: front, back and next to another', async () => {
    const { simulator, w } = await world();
    w.engine.pause();
    w.engine.start();
    const [a, b, c, d, e] = ['a', 'b', 'c', 'd', 'e'].map((p) => make(w, p));
    expect(prompts(w)).toEqual(['a', 'b', 'c', 'd', 'e']);
    w.engine.move({ id: e!.id, to: 'front' });
    w.engine.move({ id: a!.id, to: 'back' });
    w.engine.move({ id: d!.id, before: b!.id });
    w.engine.move({ id: c!.id, after: e!.id });
    expect(prompts(w)).toEqual(['e', 'c', 'd', 'b', 'a']);
    // Forty drags into the same gap halve it past what a double holds: the queue renumbers, and each
    // drag still lands where it was dropped (the last one, d, right after e).
    for (let i = 0; i < 40; i++) w.engine.move({ id: i % 2 ? d!.id : c!.id, after: e!.id });
    expect(prompts(w)).toEqual(['e', 'd', 'c', 'b', 'a']);
    w.engine.move({ id: c!.id, after: e!.id });
    expect(w.engine.status()).toMatchObject({ state: 'paused', reason: 'user' });
    expect(simulator.stats().submits).toBe(0);

    w.engine.resume();
    await until(w.settled, 'every job to finish');
    expect(Object.keys(simulator.stats().submitsByPrompt)).toEqual(['e', 'c', 'd', 'b', 'a']);
  });

  it('keeps a paused batch in its place without sending it, and sends it once resumed', async () => {
    const { simulator, w } = await world(2);
    w.engine.start();
    w.engine.pause();
    const ids = w.engine.enqueue(
      'batch-x',
      ['x1', 'x2', 'x3'].map((prompt) => ({
        model: 'ideogram-3',
        params: { prompt, rendering_speed: 'TURBO' },
      })),
      { held: false },
    );
    make(w, 'after');
    w.engine.holdBatch('batch-x', true);
    expect(w.engine.waiting(10, 0).map((job) => [job.prompt, job.held])).toEqual([
      ['x1', true],
      ['x2', true],
      ['x3', true],
      ['after', false],
    ]);
    w.engine.resume();
    await until(() => simulator.stats().submitsByPrompt.after === 1, 'the free job to be sent');
    // The held batch was skipped, not failed.
    expect(ids.map((id) => w.engine.get(id).state)).toEqual(['queued', 'queued', 'queued']);
    w.engine.holdBatch('batch-x', false);
    await until(w.settled, 'the batch to finish');
    expect(ids.map((id) => w.engine.get(id).state)).toEqual(['completed', 'completed', 'completed']);
    expect(simulator.stats().submits).toBe(4);
  });

  it("cancels the rest of a batch in one step, and the user's pause outlives a restart", async () => {
    const { simulator, w } = await world();
    w.engine.pause();
    w.engine.start();
    const ids = w.engine.enqueue(
      'batch-y',
      Array.from({ length: 5 }, (_, i) => ({ model: 'ideogram-3' as const, params: { prompt: `y${i}` } })),
      { held: false },
    );
    expect(w.engine.cancelQueued('batch-y')).toBe(5);
    expect(ids.map((id) => w.engine.get(id).state)).toEqual(Array(5).fill('canceled'));
    await w.engine.stop();

    // A second engine on the same database: still paused, by the user.
    make(w, 'waits for resume');
    const client = createSegmindClient({ baseUrl: simulator.url, apiKey: 'key-1234', timeoutMs: 5000 });
    const again = createJobEngine({
      db: w.db,
      library: w.library,
      getClient: () => client,
      emit: () => undefined,
    });
    again.start();
    expect(again.status()).toMatchObject({ state: 'paused', reason: 'user' });
    // A new key is no Resume: the user's pause holds.
    again.clientChanged();
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(simulator.stats().submits).toBe(0);
    again.resume();
    await until(() => simulator.stats().submits === 1, 'the waiting job to be sent after Resume');
    await again.stop();
  });
});
