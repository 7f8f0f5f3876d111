import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { getModel, localImageRef, parseModelParams } from '../../shared/models/index.ts';
import type { ModelId } from '../../shared/models/index.ts';
import { startSimulator } from '../simulator/index.ts';
import type { Simulator, SimulatorOptions } from '../simulator/index.ts';
import { outputShapes } from '../simulator/output-shapes.ts';
import { createSegmindClient, SegmindError } from './index.ts';
import type { SegmindClient, SubmitResult } from './index.ts';

const KEY = 'sk-test-0123456789abcdef';
let sim: Simulator | undefined;

afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

async function setup(
  options: SimulatorOptions = {},
  clientOptions: { timeoutMs?: number; key?: string } = {},
) {
  sim = await startSimulator({ timeScale: 0.002, apiKey: KEY, ...options });
  const client = createSegmindClient({
    baseUrl: sim.url,
    apiKey: clientOptions.key ?? KEY,
    userAgent: 'ideogram-studio-test/0',
    timeoutMs: clientOptions.timeoutMs ?? 10_000,
    resolveLocalImage: async (sha) => {
      const image = localStore.get(sha);
      if (!image) throw new Error('not in store');
      return image;
    },
  });
  return { sim, client };
}

const localStore = new Map<string, { bytes: Buffer; mime: string }>();

/** The job engine owns polling; this is the smallest loop that drives a request to its end. */
async function finish(client: SegmindClient, submitted: SubmitResult) {
  for (;;) {
    const status = await client.status(submitted.statusUrl);
    if (status.status === 'COMPLETED') return { status, result: await client.result(submitted.responseUrl) };
    if (status.status === 'FAILED') return { status, result: undefined };
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

async function caught(promise: Promise<unknown>): Promise<SegmindError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SegmindError);
  expect(String((error as Error).message)).not.toContain(KEY);
  return error as SegmindError;
}

const prompts: Record<ModelId, Record<string, unknown>> = {
  'ideogram-3': { prompt: 'A neon sign reading "OPEN LATE"', aspect_ratio: '16x9', rendering_speed: 'TURBO' },
  'ideogram-3-remix': { prompt: 'Make it "WINTER"', image: '', image_weight: 40 },
  'ideogram-4': {
    prompt: 'Poster "TOKYO" and "Where Tradition Meets Tomorrow"',
    num_images: 2,
    output_format: 'png',
    image_size: 'square',
  },
};

describe('client against the simulator: the happy path', () => {
  it('runs every model through v2 and downloads images at the requested size and format', async () => {
    const { sim, client } = await setup();
    const source = await sharp({ create: { width: 64, height: 48, channels: 3, background: '#3366cc' } })
      .png()
      .toBuffer();
    prompts['ideogram-3-remix'].image = `data:image/png;base64,${source.toString('base64')}`;
    for (const model of ['ideogram-3', 'ideogram-3-remix', 'ideogram-4'] as const) {
      const submitted = await client.submit(model, prompts[model]);
      expect(submitted.requestId).toBeTruthy();
      expect(submitted.statusUrl.startsWith(sim.url)).toBe(true);
      const { status, result } = await finish(client, submitted);
      expect(status.status).toBe('COMPLETED');
      const parsed = parseModelParams(model, prompts[model]);
      if (!parsed.ok) throw new Error('test params invalid');
      const spec = getModel(model);
      expect(result?.outputs).toHaveLength(spec.imageCount(parsed.params));
      const files = await Promise.all((result?.outputs ?? []).map((output) => client.download(output)));
      for (const file of files) {
        const meta = await sharp(file.bytes).metadata();
        expect({ width: meta.width, height: meta.height }).toEqual(spec.outputSize(parsed.params));
        expect(file.contentType).toBe('image/png');
      }
      if (files.length > 1) expect(files[0]?.bytes.equals(files[1]?.bytes ?? Buffer.alloc(0))).toBe(false);
    }
    expect(sim.stats().mediaRequestsWithKey).toBe(0);
    expect(sim.stats().mediaRequests).toBe(4);
  });

  it('answers v1 with JSON for ideogram-3 and with image bytes for the remix', async () => {
    const { client } = await setup();
    const json = await client.runSync('ideogram-4', {
      prompt: 'Logo "ACME"',
      image_size: 'square',
      rendering_speed: 'TURBO',
    });
    expect(json.outputs[0]?.kind).toBe('url');
    const source = await sharp({ create: { width: 32, height: 32, channels: 3, background: '#cc3366' } })
      .jpeg()
      .toBuffer();
    const bytes = await client.runSync('ideogram-3-remix', {
      prompt: 'Remix "SOURCE"',
      image: `data:image/jpeg;base64,${source.toString('base64')}`,
      resolution: '512x1536',
    });
    expect(bytes.outputs[0]?.kind).toBe('bytes');
    const downloaded = await client.download(bytes.outputs[0] as never);
    expect(downloaded.contentType).toBe('image/png');
    expect((await sharp(downloaded.bytes).metadata()).height).toBe(1536);
  });

  for (const shape of outputShapes) {
    it(`reads the "${shape}" output shape`, async () => {
      const { client } = await setup({ outputShape: shape });
      const submitted = await client.submit('ideogram-4', {
        prompt: `"${shape}"`,
        num_images: 2,
        image_size: 'square',
        seed: 4242,
      });
      const { result } = await finish(client, submitted);
      expect(result?.outputs).toHaveLength(2);
      expect(result?.seed).toBe(4242);
      // Only the nested shape has room for each image's own seed.
      expect(result?.seeds).toEqual(shape === 'nested' ? [4242, 4243] : undefined);
      expect(result?.expandedPrompt).toContain(`"${shape}"`);
      for (const output of result?.outputs ?? []) {
        expect(output.kind).toBe(shape === 'base64' || shape === 'data-uri' ? 'bytes' : 'url');
        const file = await client.download(output);
        expect(file.contentType).toBe('image/jpeg');
        expect((await sharp(file.bytes).metadata()).width).toBe(1024);
      }
    });
  }

  it('records credit and rate-limit headers', async () => {
    const { client } = await setup({ credits: 1, rateLimit: { requests: 10, windowMs: 60_000 } });
    const submitted = await client.submit('ideogram-3', { prompt: 'x', rendering_speed: 'QUALITY' });
    expect(submitted.usage).toMatchObject({
      creditsConsumed: 0.09,
      remainingCredits: 0.91,
      rateLimitRemaining: 9,
    });
    expect(submitted.usage.rateLimitResetAt).toMatch(/^\d{4}-\d\d-\d\dT/);
  });

  it('sends local remix sources as data, and refuses ones over 10 MB before sending', async () => {
    const { sim, client } = await setup();
    const png = await sharp({ create: { width: 40, height: 40, channels: 3, background: '#00aa55' } })
      .png()
      .toBuffer();
    localStore.set('1'.repeat(64), { bytes: png, mime: 'image/png' });
    localStore.set('2'.repeat(64), {
      bytes: Buffer.concat([png, Buffer.alloc(11 * 1024 * 1024)]),
      mime: 'image/png',
    });
    const ok = await client.submit('ideogram-3-remix', {
      prompt: 'local',
      image: localImageRef('1'.repeat(64)),
      style_reference_images: [localImageRef('1'.repeat(64))],
    });
    expect((await finish(client, ok)).status.status).toBe('COMPLETED');
    const tooBig = await caught(
      client.submit('ideogram-3-remix', { prompt: 'big', image: localImageRef('2'.repeat(64)) }),
    );
    expect(tooBig).toMatchObject({ kind: 'bad_request', field: 'image' });
    const missing = await caught(
      client.submit('ideogram-3-remix', { prompt: 'gone', image: localImageRef('3'.repeat(64)) }),
    );
    expect(missing.kind).toBe('bad_request');
    expect(sim.stats().submits).toBe(1);
  });
});

describe('client against the simulator: one test per row of the error table', () => {
  it('400: the simulator and the client reject the same inputs with the same message', async () => {
    const { sim, client } = await setup();
    const bad: [ModelId, Record<string, unknown>][] = [
      ['ideogram-3', { prompt: 'x', seed: 42 }],
      ['ideogram-3', { prompt: 'x', aspect_ratio: '1x1', resolution: '1024x1024' }],
      ['ideogram-3-remix', { prompt: 'x', image: 'https://x.test/a.png', image_weight: 0 }],
      ['ideogram-4', { prompt: 'x', num_images: 9 }],
      ['ideogram-4', { prompt: 'x', output_format: 'gif' }],
    ];
    for (const [model, params] of bad) {
      const local = await caught(client.submit(model, params));
      const res = await fetch(`${sim.url}/v2/${model}`, {
        method: 'POST',
        headers: { 'x-api-key': KEY, 'content-type': 'application/json' },
        body: JSON.stringify(params),
      });
      expect(res.status).toBe(400);
      const body = (await res.json()) as { error: string };
      expect(local.kind).toBe('bad_request');
      expect(local.message).toContain(body.error);
      expect(local.field).toBe(body.error.split(':')[0]);
    }
    expect(sim.stats().submits).toBe(0);
  });

  it('400 from the server names the field', async () => {
    const { sim, client } = await setup();
    // A bad parameter the shared schema cannot see: a local reference that reached the server.
    const res = await fetch(`${sim.url}/v2/ideogram-3-remix`, {
      method: 'POST',
      headers: { 'x-api-key': KEY, 'content-type': 'application/json' },
      body: JSON.stringify({ prompt: 'x', image: localImageRef('f'.repeat(64)) }),
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toMatch(/^image: /);
    sim.setFaults({ statusRates: { 400: 1 } });
    const error = await caught(client.submit('ideogram-3', { prompt: 'x' }));
    expect(error).toMatchObject({ kind: 'bad_request', httpStatus: 400, retryable: false });
  });

  it('401: a wrong key is unauthorized and never echoed', async () => {
    const { client } = await setup({}, { key: 'sk-wrong-key-zzzz' });
    const error = await caught(client.submit('ideogram-3', { prompt: 'x' }));
    expect(error).toMatchObject({ kind: 'unauthorized', httpStatus: 401, retryable: false });
    expect(error.message).not.toContain('sk-wrong-key-zzzz');
  });

  it('403: a model this key may not use', async () => {
    const { client } = await setup({ forbiddenModels: ['ideogram-4'] });
    const error = await caught(client.submit('ideogram-4', { prompt: 'x' }));
    expect(error).toMatchObject({ kind: 'forbidden', httpStatus: 403, retryable: false });
    expect(error.serverMessage).toContain('ideogram-4');
  });

  it('404: unknown ids, and results and media past retention', async () => {
    let offset = 0;
    const { sim, client } = await setup({ now: () => Date.now() + offset });
    const unknown = await caught(client.status(`${sim.url}/v2/requests/does-not-exist/status`));
    expect(unknown).toMatchObject({ kind: 'not_found', httpStatus: 404 });
    const submitted = await client.submit('ideogram-3', { prompt: 'kept an hour' });
    const { result } = await finish(client, submitted);
    offset = 3_600_000 + 60_000;
    expect((await caught(client.status(submitted.statusUrl))).kind).toBe('not_found');
    expect((await caught(client.result(submitted.responseUrl))).kind).toBe('not_found');
    expect((await caught(client.download(result?.outputs[0] as never))).kind).toBe('not_found');
  });

  it('406: a spent balance, with the balance in the message', async () => {
    const { sim, client } = await setup({ credits: 0.1 });
    await client.submit('ideogram-3', { prompt: 'first' });
    const error = await caught(client.submit('ideogram-3', { prompt: 'second' }));
    expect(error).toMatchObject({ kind: 'insufficient_credits', httpStatus: 406, retryable: false });
    expect(error.serverMessage).toContain('0.04');
    expect(error.usage?.remainingCredits).toBe(0.04);
    sim.setCredits(5);
    await expect(client.submit('ideogram-3', { prompt: 'third' })).resolves.toBeTruthy();
  });

  it('422: a blocked prompt FAILS with the server error, on v2 and v1', async () => {
    const { client } = await setup();
    const submitted = await client.submit('ideogram-3', { prompt: 'a scene full of gore' });
    const { status } = await finish(client, submitted);
    expect(status).toMatchObject({ status: 'FAILED', error: expect.stringContaining('safety filter') });
    const fromResult = await caught(client.result(submitted.responseUrl));
    expect(fromResult).toMatchObject({ kind: 'failed', httpStatus: 422 });
    const sync = await caught(client.runSync('ideogram-4', { prompt: 'gore', image_size: 'square' }));
    expect(sync).toMatchObject({ kind: 'failed', httpStatus: 422, retryable: false });
  });

  it('429: past the rate, with Retry-After', async () => {
    const { client } = await setup({ rateLimit: { requests: 1, windowMs: 30_000 } });
    await client.submit('ideogram-3', { prompt: 'one' });
    const error = await caught(client.submit('ideogram-3', { prompt: 'two' }));
    expect(error).toMatchObject({
      kind: 'rate_limited',
      httpStatus: 429,
      retryable: true,
      maybeAccepted: false,
    });
    expect(error.retryAfterMs).toBeGreaterThan(25_000);
    expect(error.retryAfterMs).toBeLessThanOrEqual(30_000);
  });

  for (const status of [500, 502, 504] as const) {
    it(`${status}: a server error is retryable`, async () => {
      const { sim, client } = await setup({ faults: { statusRates: { [status]: 1 } } });
      const error = await caught(client.submit('ideogram-3', { prompt: 'x' }));
      expect(error).toMatchObject({ kind: 'server', httpStatus: status, retryable: true });
      expect(sim.stats().submits).toBe(0);
    });
  }
});

describe('client against the simulator: broken transport', () => {
  it('a dropped submit may have been accepted, so it is not retryable; a dropped poll is', async () => {
    const { sim, client } = await setup();
    const submitted = await client.submit('ideogram-3', { prompt: 'x' });
    sim.setFaults({ dropRate: 1 });
    const submitError = await caught(client.submit('ideogram-3', { prompt: 'y' }));
    expect(submitError).toMatchObject({ kind: 'network', maybeAccepted: true, retryable: false });
    const pollError = await caught(client.status(submitted.statusUrl));
    expect(pollError).toMatchObject({ kind: 'network', retryable: true });
  });

  it('malformed JSON on a poll is a retryable bad_response; on a submit it is not', async () => {
    const { sim, client } = await setup();
    const submitted = await client.submit('ideogram-3', { prompt: 'x' });
    sim.setFaults({ malformedJsonRate: 1 });
    expect(await caught(client.status(submitted.statusUrl))).toMatchObject({
      kind: 'bad_response',
      retryable: true,
    });
    expect(await caught(client.submit('ideogram-3', { prompt: 'z' }))).toMatchObject({
      kind: 'bad_response',
      maybeAccepted: true,
      retryable: false,
    });
  });

  it('a truncated media body is a network error; a slow one still arrives', async () => {
    const { sim, client } = await setup();
    const { result } = await finish(client, await client.submit('ideogram-3', { prompt: 'x' }));
    const output = result?.outputs[0];
    if (!output) throw new Error('no output');
    sim.setFaults({ truncateRate: 1 });
    expect(await caught(client.download(output))).toMatchObject({ kind: 'network', retryable: true });
    sim.setFaults({ slowBodyMs: 200 });
    expect((await client.download(output)).bytes.length).toBeGreaterThan(1000);
  });

  it('stops at the size cap, times out on silence and honours AbortSignal', async () => {
    const { sim, client: patient } = await setup();
    // Getting the image is not what this test is about: a loaded machine may take over 150 ms for it.
    const { result } = await finish(patient, await patient.submit('ideogram-3', { prompt: 'x' }));
    const client = createSegmindClient({ baseUrl: sim.url, apiKey: KEY, timeoutMs: 150 });
    const output = result?.outputs[0];
    if (!output) throw new Error('no output');
    expect(await caught(client.download(output, { maxBytes: 100 }))).toMatchObject({ kind: 'too_large' });
    sim.setFaults({ slowBodyMs: 8_000 });
    expect(await caught(client.download(output))).toMatchObject({ kind: 'timeout', retryable: true });
    const controller = new AbortController();
    const pending = client.download(output, { signal: controller.signal });
    setTimeout(() => controller.abort(), 20);
    expect(await caught(pending)).toMatchObject({ kind: 'aborted', retryable: false });
    controller.abort();
    const early = client.status(`${sim.url}/v2/requests/x/status`, { signal: controller.signal });
    expect(await caught(early)).toMatchObject({ kind: 'aborted' });
  });

  it('streams a download into a file with its hash, and leaves no file behind when it fails', async () => {
    const { sim, client } = await setup();
    const { result } = await finish(client, await client.submit('ideogram-3', { prompt: 'to a file' }));
    const output = result?.outputs[0];
    if (!output) throw new Error('no output');
    const dir = mkdtempSync(join(tmpdir(), 'studio-download-'));
    const inMemory = await client.download(output);
    const file = await client.downloadToFile(output, join(dir, 'a.part'));
    expect(file).toMatchObject({ size: inMemory.bytes.length, contentType: inMemory.contentType });
    expect(file.sha256).toBe(createHash('sha256').update(inMemory.bytes).digest('hex'));
    expect(readFileSync(file.path).equals(inMemory.bytes)).toBe(true);

    const capped = await caught(client.downloadToFile(output, join(dir, 'b.part'), { maxBytes: 100 }));
    expect(capped).toMatchObject({
      kind: 'too_large',
      message: expect.stringMatching(/the image is \d+ KB; the app takes at most 1 KB/),
    });
    sim.setFaults({ truncateRate: 1 });
    expect(await caught(client.downloadToFile(output, join(dir, 'c.part')))).toMatchObject({
      kind: 'network',
    });
    expect(existsSync(join(dir, 'b.part')) || existsSync(join(dir, 'c.part'))).toBe(false);
  });
});
