import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import sharp from 'sharp';

/** How the server tells seeds: per image beside its URL (Ideogram's own API), once per request, or not. */
export type SeedReport = 'per-image' | 'per-request' | 'none';

export interface RecordedSubmit {
  slug: string;
  body: Record<string, unknown>;
}

/**
 * A Segmind-compatible server that is not our simulator: it records every submit body as it arrived,
 * completes at once, and chooses its own seeds for the images after the first (seed + 7 * i), so a
 * client that guessed seeds instead of reading them would store the wrong ones.
 */
export async function startRecordingSegmind(options: { key: string; seeds: SeedReport }) {
  const submits: RecordedSubmit[] = [];
  const reported = new Map<string, number[]>();
  let origin = '';

  function json(res: ServerResponse, status: number, body: unknown): void {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  }

  async function read(req: IncomingMessage): Promise<string> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  }

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname.startsWith('/media/')) {
      // A different picture per URL: the library stores each image, not one deduplicated file.
      const shade = [...url.pathname].reduce((sum, char) => (sum * 31 + char.charCodeAt(0)) % 0xffffff, 7);
      const background = `#${shade.toString(16).padStart(6, '0')}`;
      void sharp({ create: { width: 16, height: 16, channels: 3, background } })
        .png()
        .toBuffer()
        .then((png) => {
          res.writeHead(200, { 'content-type': 'image/png', 'content-length': String(png.length) });
          res.end(png);
        });
      return;
    }
    if (req.headers['x-api-key'] !== options.key) return json(res, 401, { error: 'bad key' });
    if (url.pathname === '/v1/get-user-credits') return json(res, 200, { credits: 5, 'free-credits': 0 });
    const submit = /^\/v2\/([\w-]+)$/.exec(url.pathname);
    if (submit && req.method === 'POST') {
      void read(req).then((text) => {
        const body = JSON.parse(text) as Record<string, unknown>;
        const id = `rec-${submits.length + 1}`;
        submits.push({ slug: submit[1] ?? '', body });
        const count = typeof body.num_images === 'number' ? body.num_images : 1;
        const first = typeof body.seed === 'number' && body.seed > 0 ? body.seed : 424242;
        reported.set(
          id,
          Array.from({ length: count }, (_, i) => first + 7 * i),
        );
        json(res, 200, {
          request_id: id,
          status: 'QUEUED',
          status_url: `${origin}/v2/requests/${id}/status`,
          response_url: `${origin}/v2/requests/${id}`,
        });
      });
      return;
    }
    const request = /^\/v2\/requests\/([\w-]+)(\/status)?$/.exec(url.pathname);
    const seeds = request ? reported.get(request[1] ?? '') : undefined;
    if (!request || !seeds) return json(res, 404, { error: 'not found' });
    if (request[2]) return json(res, 200, { status: 'COMPLETED' });
    const urls = seeds.map((_, i) => `${origin}/media/${request[1]}-${i}.png`);
    if (options.seeds === 'per-image') {
      return json(res, 200, { status: 'COMPLETED', data: urls.map((u, i) => ({ url: u, seed: seeds[i] })) });
    }
    if (options.seeds === 'per-request')
      return json(res, 200, { status: 'COMPLETED', output: urls, seed: seeds[0] });
    return json(res, 200, { status: 'COMPLETED', output: urls });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: origin,
    submits,
    /** The seeds the server says it used, per request id, in image order. */
    reportedSeeds: (requestId: string) => reported.get(requestId) ?? [],
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
