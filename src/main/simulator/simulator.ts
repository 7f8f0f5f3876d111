import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  describeParamIssues,
  getModel,
  imageParamsOf,
  isModelId,
  parseModelParams,
} from '../../shared/models/index.ts';
import type { ModelId, ModelParams } from '../../shared/models/index.ts';
import { pickFaultStatus, roll, sendMediaBody } from './faults.ts';
import type { Faults } from './faults.ts';
import { blockedBy, DEFAULT_BLOCKED_WORDS } from './content-filter.ts';
import { JobStore } from './job-store.ts';
import type { OutputShape } from './output-shapes.ts';
import { durationModels, type DurationModel } from './durations.ts';
import { simulatedCost } from './pricing.ts';
import { RateLimiter } from './rate-limiter.ts';
import type { TextFaults } from './text-faults.ts';

export interface SimulatorOptions {
  port?: number;
  host?: string;
  /** The accepted key; null or undefined accepts any non-empty key. */
  apiKey?: string | null;
  /** 1 = the seed pages' real durations; 0.01 = a hundred times faster. */
  timeScale?: number;
  /** Queue waits and inference spread; tests default to the tight, predictable world. */
  durations?: DurationModel;
  /** The account's paid balance in USD (default 100); free credits are spent first. */
  credits?: number;
  freeCredits?: number;
  /**
   * Which of Segmind's two ways of telling the balance this server uses: the `x-credits-consumed` /
   * `x-remaining-credits` headers, and `GET /v1/get-user-credits`. Both by default; tests turn them off
   * to see the app cope with a server that says nothing.
   */
  account?: { headers?: boolean; endpoint?: boolean };
  /** Segmind's per-minute limit; `countsPolls` makes status and result requests count too. */
  rateLimit?: { requests: number; windowMs: number; countsPolls?: boolean } | null;
  retentionMs?: number;
  now?: () => number;
  faults?: Faults;
  outputShape?: OutputShape;
  blockedWords?: string[];
  /** Models this key may not use: they answer 403. */
  forbiddenModels?: ModelId[];
  random?: () => number;
  textFaults?: TextFaults;
}

export interface SimulatorStats {
  submits: number;
  submitsByPrompt: Record<string, number>;
  statusRequests: number;
  resultRequests: number;
  mediaRequests: number;
  /** Media requests that carried an x-api-key: a client bug, since media hosts are third parties. */
  mediaRequestsWithKey: number;
  creditsSpent: number;
}

export interface RequestLogEntry {
  method: string;
  path: string;
  status: number;
  at: number;
}

export interface Simulator {
  url: string;
  close(): Promise<void>;
  setFaults(faults: Faults): void;
  setTextFaults(faults: TextFaults): void;
  setOutputShape(shape: OutputShape): void;
  setCredits(credits: number, freeCredits?: number): void;
  /** The account as the server sees it: what is left, what it has charged. */
  balance(): { credits: number; freeCredits: number };
  stats(): SimulatorStats;
  requestLog(): RequestLogEntry[];
  /** When a request finished or will finish (the simulator's clock): what benches measure noticing against. */
  finishesAt(requestId: string): number | undefined;
}

const MAX_BODY_BYTES = 64 * 1024 * 1024;

/** Micro-dollars: a balance that has paid a thousand 0.03s must still read as a round figure. */
const round = (usd: number) => Math.round(usd * 1e6) / 1e6;
const MAX_LOG_ENTRIES = 10_000;

function readBody(req: IncomingMessage): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) resolve(null);
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const now = options.now ?? Date.now;
  const random = options.random ?? Math.random;
  const blockedWords = options.blockedWords ?? DEFAULT_BLOCKED_WORDS;
  const forbidden = new Set(options.forbiddenModels ?? []);
  let faults: Faults = options.faults ?? {};
  let textFaults: TextFaults = options.textFaults ?? {};
  let credits = options.credits ?? 100;
  let freeCredits = options.freeCredits ?? 0;
  const accountHeaders = options.account?.headers ?? true;
  const accountEndpoint = options.account?.endpoint ?? true;
  const remaining = () => credits + freeCredits;
  const limiter = options.rateLimit ? new RateLimiter(options.rateLimit) : undefined;
  const log: RequestLogEntry[] = [];
  const stats: SimulatorStats = {
    submits: 0,
    submitsByPrompt: {},
    statusRequests: 0,
    resultRequests: 0,
    mediaRequests: 0,
    mediaRequestsWithKey: 0,
    creditsSpent: 0,
  };
  let origin = '';
  const jobs = new JobStore({
    now,
    random,
    timeScale: options.timeScale ?? 1,
    durations: options.durations ?? durationModels.tight,
    retentionMs: options.retentionMs ?? 3_600_000,
    outputShape: options.outputShape ?? 'url',
    mediaUrl: (token) => `${origin}/media/${token}`,
    textFaults: () => textFaults,
  });

  function send(
    res: ServerResponse,
    status: number,
    body: unknown,
    headers: Record<string, string> = {},
  ): void {
    let text = JSON.stringify(body);
    if (roll(faults.malformedJsonRate, random))
      text = text.slice(0, Math.max(1, Math.floor(text.length / 2)));
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(text);
  }

  /** Every answer to a keyed call tells the balance; an accepted submit also tells its charge. */
  function usageHeaders(cost?: number): Record<string, string> {
    if (!accountHeaders) return {};
    const headers: Record<string, string> = { 'x-remaining-credits': String(round(remaining())) };
    if (cost !== undefined) headers['x-credits-consumed'] = String(cost);
    return headers;
  }

  function charge(cost: number): void {
    const fromFree = Math.min(freeCredits, cost);
    freeCredits = round(freeCredits - fromFree);
    credits = round(credits - (cost - fromFree));
  }

  function rateLimited(res: ServerResponse): boolean {
    const verdict = limiter?.take(now());
    if (!verdict) return false;
    const headers = {
      'x-rate-limit-remaining': String(verdict.remaining),
      'x-rate-limit-reset-at-utc': new Date(verdict.resetAt).toISOString(),
    };
    if (verdict.allowed) {
      for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
      return false;
    }
    send(
      res,
      429,
      { error: `Rate limit exceeded: ${verdict.limit}` },
      {
        ...headers,
        'retry-after': String(Math.max(1, Math.ceil(verdict.waitMs / 1000))),
      },
    );
    return true;
  }

  async function acceptSubmit(
    req: IncomingMessage,
    res: ServerResponse,
    model: ModelId,
  ): Promise<{ params: ModelParams; cost: number } | null> {
    const raw = await readBody(req);
    if (raw === null) {
      send(res, 413, { error: 'Request body is too large' });
      return null;
    }
    let body: unknown;
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch {
      send(res, 400, { error: 'Request body is not valid JSON' });
      return null;
    }
    if (forbidden.has(model)) {
      send(res, 403, { error: `This API key may not use ${model}` });
      return null;
    }
    const parsed = parseModelParams(model, body);
    if (!parsed.ok) {
      send(res, 400, { error: describeParamIssues(parsed.issues) });
      return null;
    }
    const local = imageParamsOf(getModel(model))
      .map(({ name }) => name)
      .find((key) => JSON.stringify(parsed.params[key] ?? '').includes('local:'));
    if (local) {
      // The app's store is not reachable from Segmind: a local reference here is a client bug.
      send(res, 400, { error: `${local}: must be a URL or base64 image data, not a local reference` });
      return null;
    }
    const cost = simulatedCost(model, parsed.params);
    if (remaining() < cost) {
      send(
        res,
        406,
        { error: `Insufficient credits: this request costs ${cost}, the balance is ${round(remaining())}` },
        usageHeaders(),
      );
      return null;
    }
    if (rateLimited(res)) return null;
    charge(cost);
    stats.creditsSpent = round(stats.creditsSpent + cost);
    stats.submits++;
    const prompt = String(parsed.params.prompt);
    stats.submitsByPrompt[prompt] = (stats.submitsByPrompt[prompt] ?? 0) + 1;
    return { params: parsed.params, cost };
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://simulator');
    const path = url.pathname;
    const method = req.method ?? 'GET';
    if (roll(faults.dropRate, random)) {
      req.socket.destroy();
      return;
    }
    const media = /^\/media\/([\w.-]+)$/.exec(path);
    if (media && (method === 'GET' || method === 'HEAD')) {
      stats.mediaRequests++;
      if (req.headers['x-api-key'] !== undefined) stats.mediaRequestsWithKey++;
      const item = jobs.media(media[1] ?? '');
      if (!item) {
        send(res, 404, { error: 'This media URL has expired or never existed' });
        return;
      }
      res.writeHead(200, { 'content-type': item.contentType, 'content-length': String(item.bytes.length) });
      if (method === 'HEAD') res.end();
      else sendMediaBody(res, item.bytes, faults, random);
      return;
    }

    const key = req.headers['x-api-key'];
    if (typeof key !== 'string' || key === '' || (options.apiKey != null && key !== options.apiKey)) {
      send(res, 401, { error: 'Invalid or missing API key' });
      return;
    }
    const fault = pickFaultStatus(faults, random);
    if (fault) {
      send(res, fault.status, { error: fault.message }, fault.status === 429 ? { 'retry-after': '1' } : {});
      return;
    }

    if (path === '/v1/get-user-credits') {
      if (!accountEndpoint) send(res, 404, { error: `No route for ${method} ${path}` });
      else if (method !== 'GET') send(res, 405, { error: 'Use GET' }, { allow: 'GET' });
      else send(res, 200, { credits: round(credits), 'free-credits': round(freeCredits) });
      return;
    }

    const submit = /^\/(v1|v2)\/([\w.-]+)$/.exec(path);
    if (submit && submit[2] !== 'requests') {
      const model = submit[2] ?? '';
      if (method !== 'POST') {
        send(res, 405, { error: 'Use POST' }, { allow: 'POST' });
        return;
      }
      if (!isModelId(model)) {
        send(res, 404, { error: `Model ${model} not found` });
        return;
      }
      const accepted = await acceptSubmit(req, res, model);
      if (!accepted) return;
      const job = jobs.create(
        model,
        accepted.params,
        blockedBy(String(accepted.params.prompt), blockedWords),
      );
      if (submit[1] === 'v2') {
        const base = `${origin}/v2/requests/${job.id}`;
        send(
          res,
          200,
          {
            request_id: job.id,
            status: 'QUEUED',
            status_url: `${base}/status`,
            response_url: base,
            poll_url: `${base}/status`,
          },
          usageHeaders(accepted.cost),
        );
        return;
      }
      const done = await jobs.waitUntilDone(job).catch(() => []);
      if (jobs.failed(job)) {
        send(res, 422, { status: 'FAILED', error: jobs.failureMessage(job) }, usageHeaders(accepted.cost));
        return;
      }
      const first = done[0];
      if (model === 'ideogram-3-remix' && first) {
        // The remix page says "Returns: Image": v1 answers with the bytes themselves.
        res.writeHead(200, {
          'content-type': first.contentType,
          'content-length': String(first.bytes.length),
          ...usageHeaders(accepted.cost),
        });
        sendMediaBody(res, first.bytes, faults, random);
        return;
      }
      send(res, 200, jobs.resultBody(job, done), usageHeaders(accepted.cost));
      return;
    }

    const request = /^\/v2\/requests\/([\w-]+)(\/status)?$/.exec(path);
    if (request && method === 'GET') {
      if (options.rateLimit?.countsPolls && rateLimited(res)) return;
      const isStatus = request[2] !== undefined;
      if (isStatus) stats.statusRequests++;
      else stats.resultRequests++;
      const job = jobs.get(request[1] ?? '');
      if (!job) {
        send(res, 404, {
          error: 'Request not found or its result has expired (results are kept for 1 hour)',
        });
        return;
      }
      const state = jobs.stateOf(job);
      if (state === 'FAILED') {
        send(
          res,
          422,
          { request_id: job.id, status: 'FAILED', error: jobs.failureMessage(job) },
          usageHeaders(),
        );
      } else if (isStatus || state !== 'COMPLETED') {
        send(res, isStatus ? 200 : 202, { request_id: job.id, status: state }, usageHeaders());
      } else {
        send(res, 200, jobs.resultBody(job, jobs.imagesOf(job)), usageHeaders());
      }
      return;
    }
    send(res, 404, { error: `No route for ${method} ${path}` });
  }

  const server = createServer((req, res) => {
    res.on('finish', () => {
      // A demo session runs for hours: keep the recent past only.
      if (log.length >= MAX_LOG_ENTRIES) log.shift();
      log.push({
        method: req.method ?? '',
        path: (req.url ?? '').split('?')[0] ?? '',
        status: res.statusCode,
        at: now(),
      });
    });
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent)
        send(res, 500, {
          error: `Simulator error: ${error instanceof Error ? error.message : String(error)}`,
        });
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  origin = `http://${host}:${address.port}`;

  return {
    url: origin,
    async close() {
      jobs.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
    setFaults(next) {
      faults = next;
    },
    setTextFaults(next) {
      textFaults = next;
    },
    setOutputShape(shape) {
      jobs.outputShape = shape;
    },
    setCredits(n, free) {
      credits = n;
      if (free !== undefined) freeCredits = free;
    },
    balance: () => ({ credits, freeCredits }),
    stats: () => structuredClone(stats),
    requestLog: () => log.slice(),
    finishesAt(requestId) {
      const job = jobs.get(requestId);
      return job ? job.createdAt + job.durationMs : undefined;
    },
  };
}
