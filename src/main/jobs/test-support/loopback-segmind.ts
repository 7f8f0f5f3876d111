import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import sharp from 'sharp';

/**
 * A Segmind-compatible server on 127.0.0.1 that is not our simulator: its own URL shapes, its own
 * pace, and a script that can replace any answer (a 502 whose body says "status": "error", a
 * Retry-After of 4000 s, a body that drips one byte at a time, a dropped connection), so the engine
 * is tested against the contract rather than the simulator's habits.
 */
export type RequestKind = 'submit' | 'status' | 'result' | 'media' | 'other';

export interface SeenRequest {
  kind: RequestKind;
  method: string;
  path: string;
  /** The job it is about, for status, result and media requests. */
  jobId: string | null;
  /** The prompt of the job it is about (or being submitted), '' when there is none. */
  prompt: string;
  /** 1 for the first request of this kind about this job, 2 for the second... */
  nth: number;
  apiKey: string | null;
}

export type Scripted =
  | { status: number; body?: unknown; headers?: Record<string, string> }
  /** Writes the headers, then the JSON body one byte every `everyMs`. */
  | { drip: { everyMs: number }; status: number; body: unknown }
  /** Closes the connection without an answer. */
  | { drop: true };

export interface LoopbackOptions {
  /** Status polls answered PROCESSING before COMPLETED. */
  pollsBeforeDone?: number;
  /** Replaces the normal answer when it returns something. */
  script?: (request: SeenRequest) => Scripted | undefined;
  /** The key the API answers to; media needs none. */
  apiKey?: string;
}

export interface LoopbackSegmind {
  url: string;
  /** Accepted submits per prompt: more than one is a double charge. */
  submitsByPrompt(): Record<string, number>;
  requests(): SeenRequest[];
  setScript(script: LoopbackOptions['script']): void;
  close(): Promise<void>;
}

export async function startLoopbackSegmind(options: LoopbackOptions = {}): Promise<LoopbackSegmind> {
  const png = await sharp({ create: { width: 64, height: 48, channels: 3, background: '#2a7' } })
    .png()
    .toBuffer();
  const pollsBeforeDone = options.pollsBeforeDone ?? 1;
  const apiKey = options.apiKey ?? 'loopback-key-1234';
  let script = options.script;
  const seen: SeenRequest[] = [];
  const counts = new Map<string, number>();
  const submits: Record<string, number> = {};
  const jobs = new Map<string, { polls: number; prompt: string }>();
  let origin = '';

  function classify(req: IncomingMessage): Omit<SeenRequest, 'nth' | 'prompt'> {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const key = req.headers['x-api-key'];
    const base = { method: req.method ?? 'GET', path, apiKey: typeof key === 'string' ? key : null };
    if (req.method === 'POST' && /^\/v2\/[\w-]+$/.test(path)) return { ...base, kind: 'submit', jobId: null };
    const queue = /^\/q\/(\w+)\/(state|out)$/.exec(path);
    if (queue) return { ...base, kind: queue[2] === 'state' ? 'status' : 'result', jobId: queue[1] ?? null };
    const media = /^\/files\/(\w+)\.png$/.exec(path);
    if (media) return { ...base, kind: 'media', jobId: media[1] ?? null };
    return { ...base, kind: 'other', jobId: null };
  }

  function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  }

  function play(res: ServerResponse, answer: Scripted): void {
    if ('drop' in answer) {
      res.socket?.destroy();
      return;
    }
    if ('drip' in answer) {
      const bytes = Buffer.from(JSON.stringify(answer.body));
      res.writeHead(answer.status, { 'content-type': 'application/json' });
      let sent = 0;
      const tick = setInterval(() => {
        if (res.destroyed || sent >= bytes.length) {
          clearInterval(tick);
          if (!res.destroyed) res.end();
          return;
        }
        res.write(bytes.subarray(sent, sent + 1));
        sent++;
      }, answer.drip.everyMs);
      res.on('close', () => clearInterval(tick));
      return;
    }
    json(res, answer.status, answer.body ?? {}, answer.headers);
  }

  async function readPrompt(req: IncomingMessage): Promise<string> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    try {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { prompt?: unknown };
      return String(body.prompt ?? '');
    } catch {
      return '';
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const base = classify(req);
    const prompt =
      base.kind === 'submit' ? await readPrompt(req) : (jobs.get(base.jobId ?? '')?.prompt ?? '');
    const countKey = `${base.kind}:${base.kind === 'submit' ? prompt : (base.jobId ?? '')}`;
    const nth = (counts.get(countKey) ?? 0) + 1;
    counts.set(countKey, nth);
    const request: SeenRequest = { ...base, prompt, nth };
    seen.push(request);
    const scripted = script?.(request);
    if (scripted) return play(res, scripted);
    if (base.kind === 'media') {
      res.writeHead(200, { 'content-type': 'image/png', 'content-length': String(png.length) });
      res.end(png);
      return;
    }
    if (base.kind === 'other') return json(res, 404, { error: 'nothing here' });
    if (request.apiKey !== apiKey) return json(res, 401, { error: 'bad key' });
    if (base.kind === 'submit') {
      const id = `job${jobs.size + 1}`;
      jobs.set(id, { polls: 0, prompt });
      submits[prompt] = (submits[prompt] ?? 0) + 1;
      return json(res, 200, {
        request_id: id,
        status: 'QUEUED',
        status_url: `${origin}/q/${id}/state`,
        response_url: `${origin}/q/${id}/out`,
      });
    }
    const job = jobs.get(base.jobId ?? '');
    if (!job) return json(res, 404, { error: 'unknown request' });
    if (base.kind === 'status') {
      job.polls++;
      return json(res, 200, { status: job.polls > pollsBeforeDone ? 'COMPLETED' : 'PROCESSING' });
    }
    return json(res, 200, {
      status: 'COMPLETED',
      output: `${origin}/files/${base.jobId}.png`,
      metrics: { inference_time: 0.1 },
    });
  }

  const server = createServer((req, res) => {
    handle(req, res).catch(() => res.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: origin,
    submitsByPrompt: () => ({ ...submits }),
    requests: () => [...seen],
    setScript(next) {
      script = next;
    },
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
