import { createServer, type IncomingMessage, type ServerResponse, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import sharp from 'sharp';
import { afterEach, describe, expect, it } from 'vitest';
import { createSegmindClient, SegmindError } from './index.ts';

/**
 * The key goes to the configured API origin (same scheme, host and port) and nowhere else, whatever
 * URL a submit answer, a status, a result or a redirect names. Two servers on 127.0.0.1: the API,
 * and another port that every answer tries to send the client to.
 */
const KEY = 'SG_0123456789abcdef';
const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

interface Seen {
  server: 'api' | 'other';
  method: string;
  path: string;
  host: string;
  key: string | null;
}

async function listen(
  name: Seen['server'],
  seen: Seen[],
  handler: (req: IncomingMessage, res: ServerResponse) => void,
) {
  const server = createServer((req, res) => {
    const key = req.headers['x-api-key'];
    seen.push({
      server: name,
      method: req.method ?? '',
      path: req.url ?? '',
      host: req.headers.host ?? '',
      key: typeof key === 'string' ? key : null,
    });
    req.resume();
    handler(req, res);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

const json = (res: ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
};
const redirect = (res: ServerResponse, status: number, location: string) => {
  res.writeHead(status, { location });
  res.end();
};

async function startPair() {
  const png = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#135' } })
    .png()
    .toBuffer();
  const seen: Seen[] = [];
  let api = '';
  let other = '';
  let apiPort = 0;
  const otherPort = await listen('other', seen, (req, res) => {
    const path = req.url ?? '';
    if (path === '/state') return json(res, 200, { status: 'COMPLETED' });
    if (path === '/payload') return json(res, 200, { status: 'COMPLETED', output: `${api}/media/out.png` });
    if (path === '/out.png') {
      res.writeHead(200, { 'content-type': 'image/png' });
      return res.end(png);
    }
    // Back to the API origin: the key may go there again, and only there.
    if (path === '/back') return redirect(res, 302, `${api}/v2/requests/r1/status`);
    return json(res, 404, { error: 'no' });
  });
  other = `http://127.0.0.1:${otherPort}`;
  apiPort = await listen('api', seen, (req, res) => {
    const path = req.url ?? '';
    if (req.method === 'POST' && path === '/v2/ideogram-3')
      return json(res, 200, {
        request_id: 'r1',
        status: 'QUEUED',
        status_url: `${other}/state`,
        response_url: `${api}/v2/requests/r1`,
      });
    if (path === '/v2/requests/r1') return redirect(res, 302, `${other}/payload`);
    if (path === '/v2/requests/r1/status') return json(res, 200, { status: 'COMPLETED' });
    if (path === '/v2/requests/r2/status') return redirect(res, 307, `${other}/back`);
    if (path === '/v2/requests/r3/status')
      return redirect(res, 302, `http://localhost:${apiPort}/v2/requests/r1/status`);
    if (path === '/v2/requests/loop/status') return redirect(res, 302, '/v2/requests/loop/status');
    if (path === '/v2/requests/ftp/status') return redirect(res, 302, 'ftp://127.0.0.1/x');
    if (path === '/media/out.png') return redirect(res, 302, `${other}/out.png`);
    return json(res, 404, { error: 'no' });
  });
  api = `http://127.0.0.1:${apiPort}`;
  return { api, other, apiPort, seen };
}

describe('the key and other origins', () => {
  it('never sends x-api-key to another port, whatever answers and redirects name', async () => {
    const { api, seen } = await startPair();
    const client = createSegmindClient({ baseUrl: api, apiKey: KEY });
    const submitted = await client.submit('ideogram-3', { prompt: 'where does the key go' });
    expect((await client.status(submitted.statusUrl)).status).toBe('COMPLETED');
    const result = await client.result(submitted.responseUrl);
    const image = await client.download(result.outputs[0]!);
    expect(image.contentType).toBe('image/png');
    // Through the other port and back to the API origin.
    expect((await client.status(`${api}/v2/requests/r2/status`)).status).toBe('COMPLETED');

    const other = seen.filter((s) => s.server === 'other');
    expect(other.map((s) => s.path).sort()).toEqual(['/back', '/out.png', '/payload', '/state']);
    expect(other.every((s) => s.key === null)).toBe(true);
    const apiSeen = seen.filter((s) => s.server === 'api');
    for (const s of apiSeen)
      expect(s.key, `${s.method} ${s.path}`).toBe(s.path.startsWith('/media/') ? null : KEY);
    expect(apiSeen.filter((s) => s.path === '/v2/requests/r1/status')).toHaveLength(1);
  });

  it('treats the same port under another host name as another origin', async () => {
    const { api, apiPort, seen } = await startPair();
    const client = createSegmindClient({ baseUrl: api, apiKey: KEY });
    expect((await client.status(`${api}/v2/requests/r3/status`)).status).toBe('COMPLETED');
    const viaLocalhost = seen.find((s) => s.host === `localhost:${apiPort}`);
    expect(viaLocalhost).toMatchObject({ path: '/v2/requests/r1/status', key: null });
  });

  it('refuses a redirect loop and a redirect to another scheme with a clear error', async () => {
    const { api } = await startPair();
    const client = createSegmindClient({ baseUrl: api, apiKey: KEY });
    const loop = await client.status(`${api}/v2/requests/loop/status`).catch((e: unknown) => e);
    expect(loop).toBeInstanceOf(SegmindError);
    expect(loop).toMatchObject({ kind: 'bad_response', message: expect.stringContaining('redirects') });
    const ftp = await client.status(`${api}/v2/requests/ftp/status`).catch((e: unknown) => e);
    expect(ftp).toMatchObject({ kind: 'bad_response', message: expect.stringContaining('ftp:') });
  });
});
