import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { createSegmindClient, SegmindError } from './index.ts';
import type { SegmindClient } from './index.ts';

/**
 * A Segmind-compatible server the client was not written against: its own status-URL shape, its
 * own state names, media on another host, and a 429 or 502 now and then.
 */
const KEY = 'foreign-key-42';
const servers: Server[] = [];

afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

async function listen(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<string> {
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

async function startForeign() {
  const png = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#ff8800' } })
    .png()
    .toBuffer();
  const seen = { accepted: 0, keyedMedia: 0, flaky: 0 };
  const jobs = new Map<string, { polls: number; shape: string }>();
  let counter = 0;
  let apiOrigin = '';

  const media = await listen((req, res) => {
    if (req.headers['x-api-key'] !== undefined) seen.keyedMedia++;
    if (req.url?.startsWith('/probe')) return json(res, 200, { status: 'in_progress' });
    res.writeHead(200, { 'content-type': 'image/png', 'content-length': String(png.length) });
    res.end(png);
  });

  const api = await listen((req, res) => {
    counter++;
    // Every third answer is a refusal that the caller must survive without duplicating work.
    if (counter % 3 === 0) {
      seen.flaky++;
      return counter % 2 === 0
        ? json(res, 429, { message: 'slow down' }, { 'retry-after': '0' })
        : json(res, 502, '<html>bad gateway</html>');
    }
    if (req.headers['x-api-key'] !== KEY) return json(res, 401, { error: 'bad key' });
    const url = new URL(req.url ?? '/', 'http://x');
    const submit = /^\/v2\/([\w-]+)$/.exec(url.pathname);
    if (submit?.[1] === 'ideogram-4') {
      // A careless server that echoes the key back in its error.
      return json(res, 400, { error: `key ${String(req.headers['x-api-key'])} may not use ideogram-4` });
    }
    if (submit && req.method === 'POST') {
      req.resume();
      const id = `job${counter}`;
      jobs.set(id, { polls: 0, shape: ['url', 'list', 'base64'][jobs.size % 3] ?? 'url' });
      seen.accepted++;
      // One URL relative, one absolute: both are the server's own, to be used as given.
      return json(res, 202, {
        request_id: id,
        status: 'IN_QUEUE',
        status_url: `/queue/${id}/state?v=2`,
        response_url: `${apiOrigin}/queue/${id}/payload`,
      });
    }
    const state = /^\/queue\/(\w+)\/(state|payload)$/.exec(url.pathname);
    const job = state ? jobs.get(state[1] ?? '') : undefined;
    if (!state || !job) return json(res, 404, { error: 'no such job' });
    if (state[2] === 'state') {
      job.polls++;
      return json(res, 200, { status: job.polls < 2 ? 'in_progress' : 'succeeded' });
    }
    const output =
      job.shape === 'url'
        ? `${media}/files/${state[1]}.png`
        : job.shape === 'list'
          ? [`${media}/files/${state[1]}-a.png`, `${media}/files/${state[1]}-b.png`]
          : png.toString('base64');
    return json(res, 200, { status: 'succeeded', output, metrics: { inference_time: 0.1 } });
  });
  apiOrigin = api;
  return { api, media, seen };
}

async function retrying<T>(call: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (!(error instanceof SegmindError) || !error.retryable || attempt > 10) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.min(error.retryAfterMs ?? 5, 50)));
    }
  }
}

async function complete(client: SegmindClient, prompt: string) {
  const submitted = await retrying(() => client.submit('ideogram-3', { prompt }));
  for (;;) {
    const status = await retrying(() => client.status(submitted.statusUrl));
    if (status.status === 'COMPLETED') break;
    if (status.status === 'FAILED') throw new Error(status.error);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  const result = await retrying(() => client.result(submitted.responseUrl));
  const files = await Promise.all(result.outputs.map((output) => retrying(() => client.download(output))));
  return { submitted, files };
}

describe('a Segmind-compatible server the client has never seen', () => {
  it('completes jobs through its own URLs, outputs as URL, list and base64, without resending accepted submits', async () => {
    const { api, seen } = await startForeign();
    const client = createSegmindClient({ baseUrl: `${api}/`, apiKey: KEY });
    const runs = [];
    for (const prompt of ['first', 'second', 'third']) runs.push(await complete(client, prompt));

    expect(seen.accepted).toBe(3);
    expect(seen.flaky).toBeGreaterThan(0);
    expect(runs[0]?.submitted.statusUrl).toMatch(/\/queue\/job\d+\/state\?v=2$/);
    expect(runs.map((run) => run.files.length)).toEqual([1, 2, 1]);
    for (const run of runs) for (const file of run.files) expect(file.contentType).toBe('image/png');
    expect(seen.keyedMedia).toBe(0);
  });

  it('sends the key only to the API origin and never repeats it', async () => {
    const { api, media, seen } = await startForeign();
    const client = createSegmindClient({ baseUrl: api, apiKey: KEY });
    const status = await client.status(`${media}/probe`);
    expect(status.status).toBe('PROCESSING');
    expect(seen.keyedMedia).toBe(0);
    const echoed = await retrying(() => client.submit('ideogram-4', { prompt: 'x' })).catch(
      (e: unknown) => e,
    );
    expect(echoed).toMatchObject({ kind: 'bad_request', httpStatus: 400 });
    expect(JSON.stringify([(echoed as Error).message, (echoed as SegmindError).serverMessage])).not.toContain(
      KEY,
    );
  });
});

describe('a server whose answers cannot be used', () => {
  it('turns a 2xx submit without its URLs into bad_response, never a poll on a missing URL', async () => {
    const api = await listen((req, res) => {
      req.resume();
      json(
        res,
        200,
        req.url === '/v2/ideogram-3' ? { request_id: 'r1', status: 'QUEUED' } : { status: 'WEIRD' },
      );
    });
    const client = createSegmindClient({ baseUrl: `${api}/v1`, apiKey: KEY });
    const error = await client.submit('ideogram-3', { prompt: 'x' }).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'bad_response', maybeAccepted: true, retryable: false });
    expect(String((error as Error).message)).toContain('status_url');
    expect(await client.status(`${api}/v2/requests/r1/status`).catch((e: unknown) => e)).toMatchObject({
      kind: 'bad_response',
    });
  });
});
