import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { crashKit } from '../jobs/test-support/crash-kit.ts';

const children = crashKit(fileURLToPath(new URL('./test-support/until-right-child.ts', import.meta.url)));

const prompt = 'A shop sign that says "OPEN LATE"';

// Each run starts its own OCR worker and may read an image: on a loaded 2-core machine that takes a while.
describe('until it is right through SIGKILLs', () => {
  it('killed after the first attempt and again between the verdict and the retry: the retry is sent exactly once', async () => {
    const scale = 0.02;
    // The first request of the prompt reads wrong, the next right.
    const world = await children.world({
      label: 'until right crash',
      scale,
      seed: 20270302,
      simulator: { textFaults: { misspellFirst: 1 } },
    });
    const { seed, simulator, read } = world;
    const base = [...world.args, '--seed', String(seed)];
    const started = Date.now();
    const phase = (what: string) =>
      console.info(`[until right crash] ${what} at ${((Date.now() - started) / 1000).toFixed(1)} s`);
    // 1. The first attempt completes; killed while its image is being read (or just after).
    const first = children.run([...base, '--create'], 'first done');
    await first.reached;
    first.child.kill('SIGKILL');
    await first.exited;
    phase('killed after the first attempt');

    // 2. The restart reads (or has) the verdict and queues the retry, which waits behind the user's
    //    pause; killed before it is sent.
    const second = children.run(base, 'retry queued');
    await second.reached;
    second.child.kill('SIGKILL');
    await second.exited;
    phase('killed with the retry queued');
    expect(simulator.stats().submitsByPrompt[prompt]).toBe(1);
    const queued = read((db) => db.prepare(`SELECT state FROM jobs ORDER BY created_at`).pluck().all());
    expect(queued).toEqual(['completed', 'queued']);

    // 3. Resumed: the retry goes once, reads right, and the chain ends there.
    const last = children.run([...base, '--resume'], 'idle');
    await last.reached;
    expect(await last.exited).toBe(0);
    phase('the chain ended');

    const result = read((db) => ({
      chain: db.prepare('SELECT state, queued, passing_image_id FROM until_right_chains').get() as {
        state: string;
        queued: number;
        passing_image_id: string | null;
      },
      attempts: db.prepare('SELECT job_id, attempt FROM until_right_attempts ORDER BY attempt').all() as {
        job_id: string;
        attempt: number;
      }[],
      jobs: db.prepare('SELECT id, state, request_id FROM jobs ORDER BY created_at').all() as {
        id: string;
        state: string;
        request_id: string | null;
      }[],
      images: db.prepare('SELECT id, job_id, text_status FROM images ORDER BY pk').all() as {
        id: string;
        job_id: string;
        text_status: string;
      }[],
    }));
    expect(simulator.stats().submitsByPrompt[prompt]).toBe(2);
    expect(result.chain).toMatchObject({ state: 'passed', queued: 1 });
    expect(result.attempts.map((a) => a.attempt)).toEqual([1, 2]);
    expect(result.jobs.map((job) => job.state)).toEqual(['completed', 'completed']);
    expect(new Set(result.jobs.map((job) => job.request_id)).size).toBe(2);
    expect(result.images.map((image) => image.text_status)).toEqual(['attention', 'ok']);
    expect(result.chain.passing_image_id).toBe(result.images[1]!.id);
    expect(result.images[1]!.job_id).toBe(result.attempts[1]!.job_id);
  }, 300_000);
});
