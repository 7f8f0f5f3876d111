import { afterEach, describe, expect, it } from 'vitest';
import { MAX_TIMER_DELAY_MS, type Timers } from './shared-timer.ts';
import { createEngineWorld, until, type EngineWorld } from './test-support/engine-world.ts';
import {
  startLoopbackSegmind,
  type LoopbackSegmind,
  type Scripted,
} from './test-support/loopback-segmind.ts';
import { fixedPollPolicy } from './poll-policy.ts';
import { RATE_LIMIT_STEP_MAX_MS } from './queue-gate.ts';

/**
 * The findings of issue 11 against a Segmind-compatible server that is not our simulator: each test
 * scripts the answers that broke the queue and checks it comes through by itself.
 */
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const HOUR = 3_600_000;
const turbo = (prompt: string) => ({ prompt, rendering_speed: 'TURBO', resolution: '512x1536' });

async function setUp(
  server: Parameters<typeof startLoopbackSegmind>[0],
  world: Omit<Parameters<typeof createEngineWorld>[0], 'baseUrl'>,
): Promise<{ api: LoopbackSegmind; w: EngineWorld }> {
  const api = await startLoopbackSegmind(server);
  cleanups.push(() => api.close());
  const w = createEngineWorld({ baseUrl: api.url, ...world });
  cleanups.push(() => w.close());
  return { api, w };
}

function expectEachSubmittedOnce(api: LoopbackSegmind, prompts: string[]): void {
  const submits = api.submitsByPrompt();
  for (const prompt of prompts) expect(submits[prompt], prompt).toBe(1);
}

describe('against a server that is not our simulator', () => {
  it('goes offline when polls get no answer, and resumes by itself when the probe is answered with a 502', async () => {
    let phase: 'down' | 'bad-gateway' | 'up' = 'up';
    const script = (request: { kind: string }): Scripted | undefined => {
      if (phase === 'down' && request.kind !== 'submit') return { drop: true };
      if (phase === 'bad-gateway') return { status: 502, body: '<html>502 Bad Gateway</html>' };
      return undefined;
    };
    const { api, w } = await setUp({ script, pollsBeforeDone: 2 }, { scale: 0.02 });
    w.engine.start();
    const prompts = ['first offline', 'second offline', 'third offline'];
    const jobs = prompts.map((prompt) => w.engine.create({ model: 'ideogram-3', params: turbo(prompt) }));
    await until(() => jobs.every((job) => w.engine.get(job.id).state === 'submitted'), 'the submits');
    phase = 'down';
    await until(() => w.engine.status().reason === 'offline', 'the offline pause');
    phase = 'bad-gateway';
    // The probe's 502 is an answer: the network is up, so the queue leaves "offline" on its own.
    await until(() => w.engine.status().reason !== 'offline', 'the queue to leave offline by itself');
    const answered502 = api.requests().length;
    phase = 'up';
    await until(() => w.settled(), 'every job to end');
    for (const job of jobs) expect(w.engine.get(job.id)).toMatchObject({ state: 'completed', error: null });
    expectEachSubmittedOnce(api, prompts);
    // The checks sent while offline carried no key: they are not Segmind API calls.
    const probes = api
      .requests()
      .slice(0, answered502)
      .filter((r) => r.kind === 'other');
    expect(probes.every((r) => r.apiKey === null)).toBe(true);
  });

  it('polls and fetches submitted jobs within their hour however long Retry-After asks for (4000 s, a date in 2100)', async () => {
    const far = new Date('2100-01-01T00:00:00Z').toUTCString();
    const script = (request: { kind: string; nth: number; prompt: string }): Scripted | undefined => {
      const slowDown = (retryAfter: string): Scripted => ({
        status: 429,
        body: { error: 'slow down' },
        headers: { 'retry-after': retryAfter },
      });
      if (request.kind === 'submit' && request.prompt === 'sent late' && request.nth === 1)
        return slowDown('4000');
      if (request.kind === 'status' && request.nth === 1) return slowDown('4000');
      if (request.kind === 'status' && request.nth === 2) return slowDown(far);
      if (request.kind === 'result' && request.nth === 1) return slowDown('4000');
      return undefined;
    };
    // One engine hour is 3.6 s here; a 4000 s wait honoured in full would be 4 s, past it.
    let longestTimer = 0;
    const recording = (timers: Timers): Timers => ({
      setTimeout: (fn, ms) => {
        longestTimer = Math.max(longestTimer, ms);
        return timers.setTimeout(fn, ms);
      },
      clearTimeout: timers.clearTimeout,
    });
    const { api, w } = await setUp({ script }, { scale: 0.001, timers: recording });
    w.engine.start();
    const prompts = ['polled anyway 1', 'polled anyway 2', 'sent late'];
    const jobs = prompts.map((prompt) => w.engine.create({ model: 'ideogram-3', params: turbo(prompt) }));
    await until(() => w.settled(), 'every job to end');
    for (const job of jobs) {
      const done = w.engine.get(job.id);
      expect(done).toMatchObject({ state: 'completed', error: null });
      expect((done.finishedAt ?? 0) - (done.submittedAt ?? 0)).toBeLessThan(HOUR);
    }
    expectEachSubmittedOnce(api, prompts);
    // Each rate-limit pause ended within a step, and no timer was asked past setTimeout's ceiling.
    const limited = w.statuses.filter(({ status }) => status.reason === 'rate_limited');
    expect(limited.length).toBeGreaterThan(0);
    for (const { at, status } of limited)
      expect((status.resumeAt ?? 0) - at).toBeLessThanOrEqual(RATE_LIMIT_STEP_MAX_MS);
    expect(longestTimer).toBeLessThanOrEqual(MAX_TIMER_DELAY_MS);
  });

  it('Resume ends a rate-limit pause at once', async () => {
    const script = (request: { kind: string }): Scripted | undefined =>
      request.kind === 'submit'
        ? { status: 429, body: { error: 'slow down' }, headers: { 'retry-after': '4000' } }
        : undefined;
    const { api, w } = await setUp({ script }, { scale: 0.02 });
    w.engine.start();
    const job = w.engine.create({ model: 'ideogram-3', params: turbo('resume me') });
    await until(() => w.engine.status().reason === 'rate_limited', 'the rate-limit pause');
    api.setScript(undefined);
    expect(w.engine.resume().reason).toBeNull();
    await until(() => w.engine.get(job.id).state === 'completed', 'the job to complete');
    expectEachSubmittedOnce(api, ['resume me']);
  });

  it('retries 429 and 502 answers whose body says "status": "error", on polls and on the result, and completes without a second submit', async () => {
    const gatewayError = (status: number): Scripted => ({
      status,
      body: { status: 'error', error: `HTTP ${status} from the gateway` },
    });
    const script = (request: { kind: string; nth: number }): Scripted | undefined => {
      if (request.kind === 'status' && request.nth <= 2) return gatewayError(request.nth === 1 ? 429 : 502);
      if (request.kind === 'result' && request.nth <= 2) return gatewayError(request.nth === 1 ? 502 : 429);
      return undefined;
    };
    const { api, w } = await setUp({ script }, { scale: 0.02 });
    w.engine.start();
    const prompts = ['transient 1', 'transient 2'];
    const jobs = prompts.map((prompt) => w.engine.create({ model: 'ideogram-3', params: turbo(prompt) }));
    await until(() => w.settled(), 'every job to end');
    for (const job of jobs) {
      expect(w.engine.get(job.id)).toMatchObject({ state: 'completed', error: null, attempts: 1 });
      expect(w.engine.get(job.id).imageIds).toHaveLength(1);
    }
    expectEachSubmittedOnce(api, prompts);
    const outcomes = w.db
      .prepare(
        `SELECT step, outcome, http_status FROM job_attempts WHERE outcome != 'accepted' AND outcome != 'ok'`,
      )
      .all();
    expect(outcomes).toEqual(
      expect.arrayContaining([
        { step: 'status', outcome: 'rate_limited', http_status: 429 },
        { step: 'status', outcome: 'server', http_status: 502 },
        { step: 'result', outcome: 'server', http_status: 502 },
        { step: 'result', outcome: 'rate_limited', http_status: 429 },
      ]),
    );
  });

  it('fails a paid job whose image is larger than the library takes with "too large" wording, without reading it', async () => {
    const script = (request: { kind: string }): Scripted | undefined =>
      request.kind === 'media'
        ? {
            status: 200,
            body: '',
            headers: { 'content-type': 'image/png', 'content-length': String(60 * 1024 * 1024) },
          }
        : undefined;
    const { api, w } = await setUp({ script }, { scale: 0.02 });
    w.engine.start();
    const job = w.engine.create({ model: 'ideogram-3', params: turbo('an enormous poster') });
    await until(() => w.settled(), 'the job to end');
    const failed = w.engine.get(job.id);
    expect(failed).toMatchObject({ state: 'failed', error: { kind: 'too_large' } });
    expect(failed.error?.message).toMatch(/the image is 60\.0 MB; the app takes at most 40\.0 MB/);
    expect(api.requests().filter((r) => r.kind === 'media')).toHaveLength(1);
    expectEachSubmittedOnce(api, ['an enormous poster']);
  });

  it('cuts off a body that drips one byte every 150 ms: the job ends within its deadline and frees its slot', async () => {
    // Real time: the client's deadline is the wall clock's. Retention is shortened to keep the test short.
    const retentionMs = 4000;
    const deadlineMs = 1000;
    const drip = (body: unknown): Scripted => ({ drip: { everyMs: 150 }, status: 200, body });
    const script = (request: { kind: string; nth: number; prompt: string }): Scripted | undefined => {
      if (request.prompt === 'drips forever' && request.kind === 'status')
        return drip({ status: 'PROCESSING', padding: 'x'.repeat(10_000) });
      if (request.prompt === 'drips once' && request.kind === 'result' && request.nth === 1)
        return drip({ status: 'COMPLETED', output: 'never arrives', padding: 'x'.repeat(10_000) });
      return undefined;
    };
    const { api, w } = await setUp(
      { script },
      {
        client: { timeoutMs: 400, deadlineMs },
        // The learned poll gaps assume Segmind's ~10 s; this server is done at the first poll.
        engine: { retentionMs, maxInFlight: 2, pollPolicy: fixedPollPolicy(200) },
      },
    );
    w.engine.start();
    const forever = w.engine.create({ model: 'ideogram-3', params: turbo('drips forever') });
    const once = w.engine.create({ model: 'ideogram-3', params: turbo('drips once') });
    const behind = w.engine.create({ model: 'ideogram-3', params: turbo('waits for a slot') });
    await until(() => w.settled(), 'every job to end', 20_000);

    expect(w.engine.get(once.id)).toMatchObject({ state: 'completed' });
    expect(w.engine.get(behind.id)).toMatchObject({ state: 'completed' });
    const ended = w.engine.get(forever.id);
    expect(ended).toMatchObject({ state: 'expired', error: { kind: 'expired' } });
    expect(ended.error?.message).toMatch(/took longer than/);
    // Its hour (here 4 s), plus at most one exchange's deadline and the last retry gap.
    const bound = retentionMs + deadlineMs + 1000 + 1500;
    expect((ended.finishedAt ?? 0) - (ended.submittedAt ?? 0)).toBeLessThan(bound);
    const cut = w.db
      .prepare(`SELECT count(*) FROM job_attempts WHERE job_id = ? AND outcome = 'timeout'`)
      .pluck()
      .get(forever.id) as number;
    expect(cut).toBeGreaterThanOrEqual(2);
    expectEachSubmittedOnce(api, ['drips forever', 'drips once', 'waits for a slot']);
  }, 30_000);
});
