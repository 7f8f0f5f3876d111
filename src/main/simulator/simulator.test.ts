import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { mulberry32, startSimulator } from './index.ts';
import type { Simulator, SimulatorOptions } from './index.ts';

const KEY = 'sim-key';
let sim: Simulator | undefined;

afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

async function start(options: SimulatorOptions = {}): Promise<Simulator> {
  sim = await startSimulator({ apiKey: KEY, timeScale: 0.002, ...options });
  return sim;
}

async function call(s: Simulator, path: string, body?: unknown) {
  const res = await fetch(`${s.url}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { 'x-api-key': KEY, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const type = res.headers.get('content-type') ?? '';
  return {
    res,
    body: type.includes('json')
      ? ((await res.json()) as Record<string, unknown>)
      : Buffer.from(await res.arrayBuffer()),
  };
}

async function untilDone(s: Simulator, id: string): Promise<Record<string, unknown>> {
  for (;;) {
    const { body } = await call(s, `/v2/requests/${id}/status`);
    const status = (body as Record<string, unknown>).status;
    if (status === 'COMPLETED' || status === 'FAILED')
      return (await call(s, `/v2/requests/${id}`)).body as Record<string, unknown>;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

async function image(s: Simulator, url: unknown): Promise<Buffer> {
  expect(String(url).startsWith(`${s.url}/media/`)).toBe(true);
  return Buffer.from(await (await fetch(String(url))).arrayBuffer());
}

describe('simulator', () => {
  it('walks QUEUED -> PROCESSING -> COMPLETED on the seed pages timings, per model and speed', async () => {
    let t = 1_000_000;
    const s = await start({ timeScale: 1, now: () => t });
    const submit = async (model: string, params: Record<string, unknown>) =>
      String(((await call(s, `/v2/${model}`, params)).body as Record<string, unknown>).request_id);
    const state = async (id: string) =>
      ((await call(s, `/v2/requests/${id}/status`)).body as Record<string, unknown>).status;
    const v3 = await submit('ideogram-3', { prompt: 'x', resolution: '512x1536' });
    const v4 = await submit('ideogram-4', { prompt: 'x', image_size: 'square' });
    const v4turbo = await submit('ideogram-4', {
      prompt: 'x',
      image_size: 'square',
      rendering_speed: 'TURBO',
    });
    expect(await state(v3)).toBe('QUEUED');
    t += 5_000;
    expect(await state(v3)).toBe('PROCESSING');
    t += 7_000;
    // ~10.3 s for ideogram-3 (+-15 %), ~16.9 s for ideogram-4 at QUALITY, less than half that at TURBO.
    for (;;) {
      if ((await state(v3)) === 'COMPLETED' && (await state(v4turbo)) === 'COMPLETED') break;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(await state(v4)).toBe('PROCESSING');
    const result = (await call(s, `/v2/requests/${v3}`)).body as Record<string, unknown>;
    // The metric leaves out the first tenth, spent QUEUED.
    expect((result.metrics as { inference_time: number }).inference_time).toBeGreaterThan(0.9 * 8.7);
    expect((result.metrics as { inference_time: number }).inference_time).toBeLessThan(0.9 * 11.9);
  });

  it('holds a request QUEUED for its queue wait, then processes it for the inference time', async () => {
    let t = 1_000_000;
    const s = await start({
      timeScale: 1,
      now: () => t,
      random: mulberry32(5),
      durations: { spread: 0.3, queue: { kind: 'uniform', maxMs: 20_000 } },
    });
    const id = String(
      ((await call(s, '/v2/ideogram-3', { prompt: 'x' })).body as Record<string, unknown>).request_id,
    );
    const seen: { at: number; status: unknown }[] = [];
    for (let step = 0; step < 300; step++) {
      const status = ((await call(s, `/v2/requests/${id}/status`)).body as Record<string, unknown>).status;
      if (seen.at(-1)?.status !== status) seen.push({ at: t - 1_000_000, status });
      if (status === 'COMPLETED') break;
      t += 200;
    }
    expect(seen.map((entry) => entry.status)).toEqual(['QUEUED', 'PROCESSING', 'COMPLETED']);
    const queued = seen[1]!.at;
    const inference = seen[2]!.at - queued;
    const metric = (
      ((await call(s, `/v2/requests/${id}`)).body as Record<string, unknown>).metrics as {
        inference_time: number;
      }
    ).inference_time;
    // The drawn wait is what is left of the whole time once the inference is taken out; the switch
    // was seen within one 200 ms step of it. COMPLETED can come later than the inference's end on a
    // loaded machine (the image itself is rendered for real), never earlier.
    const drawnWait = s.finishesAt(id)! - 1_000_000 - metric * 1000;
    expect(drawnWait).toBeLessThanOrEqual(20_000);
    expect(queued - drawnWait).toBeGreaterThanOrEqual(-1);
    expect(queued - drawnWait).toBeLessThanOrEqual(201);
    expect(inference).toBeGreaterThanOrEqual(metric * 1000 - 200);
  });

  it('renders distinct images per prompt and per num_images, PNG or JPEG as asked', async () => {
    const s = await start();
    const a = await call(s, '/v2/ideogram-4', {
      prompt: 'Say "ONE"',
      num_images: 3,
      image_size: 'landscape_4_3',
      output_format: 'png',
    });
    const done = await untilDone(s, String((a.body as Record<string, unknown>).request_id));
    const urls = done.output as string[];
    expect(urls).toHaveLength(3);
    const files = await Promise.all(urls.map((url) => image(s, url)));
    expect(new Set(files.map((f) => f.toString('base64'))).size).toBe(3);
    for (const file of files)
      expect(await sharp(file).metadata()).toMatchObject({ format: 'png', width: 2048, height: 1536 });

    const b = await call(s, '/v2/ideogram-4', { prompt: 'Say "TWO"', image_size: 'landscape_4_3' });
    const jpeg = await image(
      s,
      (await untilDone(s, String((b.body as Record<string, unknown>).request_id))).output,
    );
    expect((await sharp(jpeg).metadata()).format).toBe('jpeg');
    const statsA = await sharp(files[0]).stats();
    const statsB = await sharp(jpeg).stats();
    expect(statsA.channels.map((c) => Math.round(c.mean))).not.toEqual(
      statsB.channels.map((c) => Math.round(c.mean)),
    );
  });

  it('derives remix outputs from the source image', async () => {
    const s = await start();
    // Dark left half, light right half: the remix must keep that layout.
    const left = await sharp({ create: { width: 50, height: 100, channels: 3, background: '#000000' } })
      .png()
      .toBuffer();
    const source = await sharp({ create: { width: 100, height: 100, channels: 3, background: '#ffffff' } })
      .composite([{ input: left, left: 0, top: 0 }])
      .png()
      .toBuffer();
    const submitted = await call(s, '/v2/ideogram-3-remix', {
      prompt: 'remix',
      image: `data:image/png;base64,${source.toString('base64')}`,
      image_weight: 100,
      resolution: '1024x1024',
    });
    const output = await image(
      s,
      (await untilDone(s, String((submitted.body as Record<string, unknown>).request_id))).output,
    );
    const brightness = async (left: number) => {
      const area = await sharp(output)
        .extract({ left, top: 0, width: 400, height: 300 })
        .greyscale()
        .toBuffer();
      return (await sharp(area).stats()).channels[0]?.mean ?? 0;
    };
    const [leftMean, rightMean] = [await brightness(0), await brightness(624)];
    expect(rightMean - leftMean).toBeGreaterThan(60);
  });

  it('answers routes, keys, validation and rate limits like Segmind', async () => {
    let t = 5_000_000;
    const s = await start({ rateLimit: { requests: 2, windowMs: 10_000 }, now: () => t });
    expect((await call(s, '/v2/ideogram-9', { prompt: 'x' })).res.status).toBe(404);
    expect((await call(s, '/v2/requests/nope')).res.status).toBe(404);
    expect((await call(s, '/v1/ideogram-3')).res.status).toBe(405);
    const wrongKey = await fetch(`${s.url}/v2/ideogram-3`, {
      method: 'POST',
      headers: { 'x-api-key': 'nope' },
      body: '{}',
    });
    expect(wrongKey.status).toBe(401);
    const noKey = await fetch(`${s.url}/v2/requests/x/status`);
    expect(noKey.status).toBe(401);
    const bad = await call(s, '/v2/ideogram-3', { prompt: 'x', style_type: 'FANCY' });
    expect(bad.res.status).toBe(400);
    expect((bad.body as { error: string }).error).toMatch(
      /^style_type: must be one of AUTO, GENERAL, REALISTIC, DESIGN/,
    );
    const notJson = await fetch(`${s.url}/v2/ideogram-3`, {
      method: 'POST',
      headers: { 'x-api-key': KEY },
      body: '{',
    });
    expect(notJson.status).toBe(400);
    expect((await call(s, '/v2/ideogram-3', { prompt: 'a' })).res.status).toBe(200);
    expect((await call(s, '/v2/ideogram-3', { prompt: 'b' })).res.status).toBe(200);
    const limited = await call(s, '/v2/ideogram-3', { prompt: 'c' });
    expect(limited.res.status).toBe(429);
    expect(limited.res.headers.get('retry-after')).toBe('10');
    t += 10_001;
    expect((await call(s, '/v2/ideogram-3', { prompt: 'c' })).res.status).toBe(200);
    expect(s.stats()).toMatchObject({ submits: 3, submitsByPrompt: { a: 1, b: 1, c: 1 } });
    expect(s.requestLog().map((entry) => entry.status)).toContain(429);
  });

  it('runs alone from the command line and stops on SIGTERM', async () => {
    const cli = fileURLToPath(new URL('./cli.ts', import.meta.url));
    const child = spawn(
      process.execPath,
      [cli, '--port', '0', '--time-scale', '0.01', '--key', KEY, '--shape', 'urls', '--fault-502', '0'],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    const [chunk] = (await once(child.stdout, 'data')) as [Buffer];
    const url = chunk.toString().trim();
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const res = await fetch(`${url}/v2/ideogram-3`, {
      method: 'POST',
      headers: { 'x-api-key': KEY, 'content-type': 'application/json' },
      body: JSON.stringify({ prompt: 'cli' }),
    });
    expect(res.status).toBe(200);
    child.kill('SIGTERM');
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).toBe(0);
  });
});

describe('simulator account', () => {
  it('answers GET /v1/get-user-credits, charges by its price table and keeps the balance across the run', async () => {
    const s = await start({ credits: 1, freeCredits: 0.05 });
    const before = await call(s, '/v1/get-user-credits');
    expect(before.res.status).toBe(200);
    expect(before.body).toEqual({ credits: 1, 'free-credits': 0.05 });
    const refused = await fetch(`${s.url}/v1/get-user-credits`);
    expect(refused.status).toBe(401);

    // Four 4.0 QUALITY images at $0.10: the free credits go first.
    const first = await call(s, '/v2/ideogram-4', { prompt: 'x', num_images: 4, image_size: 'square' });
    expect(first.res.headers.get('x-credits-consumed')).toBe('0.4');
    expect(first.res.headers.get('x-remaining-credits')).toBe('0.65');
    const second = await call(s, '/v2/ideogram-3', { prompt: 'x', rendering_speed: 'TURBO' });
    expect(second.res.headers.get('x-credits-consumed')).toBe('0.03');
    const id = String((second.body as Record<string, unknown>).request_id);
    await untilDone(s, id);
    const status = await call(s, `/v2/requests/${id}/status`);
    // Polls carry the balance, never a charge.
    expect(status.res.headers.get('x-remaining-credits')).toBe('0.62');
    expect(status.res.headers.get('x-credits-consumed')).toBeNull();
    expect((await call(s, '/v1/get-user-credits')).body).toEqual({ credits: 0.62, 'free-credits': 0 });
    expect(s.stats().creditsSpent).toBe(0.43);

    const broke = await call(s, '/v2/ideogram-4', { prompt: 'x', num_images: 8 });
    expect(broke.res.status).toBe(406);
    expect(broke.res.headers.get('x-remaining-credits')).toBe('0.62');
    expect(s.balance()).toEqual({ credits: 0.62, freeCredits: 0 });
  });

  it('can stay silent about the balance, as a server without those headers or that route would', async () => {
    const s = await start({ account: { headers: false, endpoint: false } });
    const submitted = await call(s, '/v2/ideogram-3', { prompt: 'x' });
    expect(submitted.res.status).toBe(200);
    expect(submitted.res.headers.get('x-credits-consumed')).toBeNull();
    expect(submitted.res.headers.get('x-remaining-credits')).toBeNull();
    expect((await call(s, '/v1/get-user-credits')).res.status).toBe(404);
  });
});
