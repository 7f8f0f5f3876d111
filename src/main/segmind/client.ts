import { getModel } from '../../shared/models/index.ts';
import type { ModelId, ModelParams } from '../../shared/models/index.ts';
import { errorFromHttp, segmindError, SegmindError } from './errors.ts';
import { exchange, MIN_BYTES_PER_MS } from './http-exchange.ts';
import type { Exchange } from './http-exchange.ts';
import { expandedPromptOf, normaliseOutputs, seedOf, sniffImageType } from './output-normalizer.ts';
import type { OutputSource } from './output-normalizer.ts';
import { resolveLocalRefs } from './local-images.ts';
import { seedsPerOutput } from './output-seeds.ts';
import { createMediaDownloads } from './media-downloads.ts';
import type { DownloadOptions, DownloadResult, FileDownload, WritableFile } from './media-downloads.ts';
import { messageOf, statusOf } from './response-fields.ts';
import type { RequestStatus } from './response-fields.ts';
import { usageFromHeaders } from './usage-headers.ts';
import type { UsageHeaders } from './usage-headers.ts';
import type { ResolveLocalImage } from './local-images.ts';

export interface SegmindClientOptions {
  /** e.g. https://api.segmind.com; /v1 and /v2 paths are derived from it. */
  baseUrl: string;
  apiKey: string;
  fetch?: typeof fetch;
  userAgent?: string;
  /** Longest silence allowed on one API request (before the answer, and between body chunks). */
  timeoutMs?: number;
  /**
   * Longest one request may take in all, headers and body; a download gets more for each byte that
   * arrives (see exchange). Defaults to twice the silence allowed.
   */
  deadlineMs?: number;
  /** The v1 call holds the connection for the whole generation, so it gets its own, longer limit. */
  syncTimeoutMs?: number;
  resolveLocalImage?: ResolveLocalImage;
  /** Creates the file a download streams into; tests pass one that fails like a full disk. */
  createFile?: (path: string) => Promise<WritableFile>;
}

export type { UsageHeaders };

export type { DownloadOptions, DownloadResult, FileDownload, WritableFile };

export type { RequestStatus };

export interface SubmitResult {
  requestId: string;
  statusUrl: string;
  responseUrl: string;
  pollUrl?: string;
  raw: unknown;
  usage: UsageHeaders;
}

export interface StatusResult {
  status: RequestStatus;
  error?: string;
  raw: unknown;
}

export interface ResultBody {
  outputs: OutputSource[];
  raw: unknown;
  expandedPrompt?: string;
  seed?: number;
  /** Each output's own seed, in output order, when the server reports seeds per image. */
  seeds?: (number | undefined)[];
  usage: UsageHeaders;
}

export interface SyncResult {
  outputs: OutputSource[];
  raw: unknown;
  usage: UsageHeaders;
}

export interface CallOptions {
  signal?: AbortSignal;
}

export interface SegmindClient {
  submit(model: ModelId, params: unknown, options?: CallOptions): Promise<SubmitResult>;
  status(statusUrl: string, options?: CallOptions): Promise<StatusResult>;
  result(responseUrl: string, options?: CallOptions): Promise<ResultBody>;
  runSync(model: ModelId, params: unknown, options?: CallOptions): Promise<SyncResult>;
  download(source: OutputSource, options?: DownloadOptions): Promise<DownloadResult>;
  /**
   * Streams an output into `path` (created, fsynced) with the size cap, hashing as it goes, so a
   * large image never sits whole in memory. The file is removed again when anything fails.
   */
  downloadToFile(source: OutputSource, path: string, options?: DownloadOptions): Promise<FileDownload>;
  /**
   * Whether the API host answers at all: any HTTP answer (even a 502 or a redirect) proves the
   * network is up. Sends no key and costs nothing; the queue's offline check.
   */
  probe(options?: CallOptions): Promise<boolean>;
}

const DEFAULT_TIMEOUT_MS = 30_000;
const PROBE_TIMEOUT_MS = 10_000;
const MIN_SECRET_LENGTH = 8;
const DEFAULT_SYNC_TIMEOUT_MS = 180_000;
/**
 * The largest JSON answer read into memory: a result may carry its images inline as base64, and
 * eight 2K PNGs (Ideogram 4's biggest answer, about 15 MB each) come to about 160 MB that way.
 */
const MAX_API_BODY_BYTES = 200 * 1024 * 1024;

function apiRoot(baseUrl: string): URL {
  const url = new URL(baseUrl);
  url.pathname = url.pathname.replace(/\/+$/, '').replace(/\/v[12]$/, '') + '/';
  url.search = '';
  url.hash = '';
  return url;
}

export function createSegmindClient(options: SegmindClientOptions): SegmindClient {
  const root = apiRoot(options.baseUrl);
  const apiOrigin = root.origin;
  const doFetch = options.fetch ?? globalThis.fetch;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const syncTimeoutMs = Math.max(options.syncTimeoutMs ?? DEFAULT_SYNC_TIMEOUT_MS, timeoutMs);
  const deadlineMs = Math.max(options.deadlineMs ?? 2 * timeoutMs, timeoutMs);
  const userAgent = options.userAgent ?? 'ideogram-studio';
  const apiKey = options.apiKey;

  // The key must not leak through a server that echoes it back into a body or an error.
  // Shorter strings are placeholders, not secrets, and would mangle unrelated text.
  const redact = (text: string): string =>
    apiKey.length >= MIN_SECRET_LENGTH ? text.split(apiKey).join('[redacted]') : text;

  /**
   * Asked again for every redirect hop. Only the configured API origin (same scheme, host and port)
   * ever sees the key: status and result URLs elsewhere, and whatever a redirect names, go without it.
   */
  const apiHeaders =
    (json: boolean) =>
    (url: URL): Record<string, string> => {
      const headers: Record<string, string> = {
        'user-agent': userAgent,
        accept: 'application/json, image/*;q=0.9',
      };
      if (json) headers['content-type'] = 'application/json';
      if (url.origin === apiOrigin) headers['x-api-key'] = apiKey;
      return headers;
    };

  function checkedUrl(value: unknown, label: string, relativeTo: string): string {
    if (typeof value !== 'string' || value.trim() === '') {
      throw segmindError('bad_response', `the answer has no ${label}`, { maybeAccepted: true });
    }
    try {
      const url = new URL(value, relativeTo);
      if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('not http');
      return url.href;
    } catch {
      throw segmindError('bad_response', `the ${label} is not a usable URL`, { maybeAccepted: true });
    }
  }

  function bodyOf(res: Exchange): { text: string; json: unknown; parsed: boolean } {
    const text = redact(res.body.toString('utf8'));
    try {
      return { text, json: JSON.parse(text), parsed: true };
    } catch {
      return { text, json: undefined, parsed: false };
    }
  }

  function httpError(res: Exchange, json: unknown, text: string): SegmindError {
    return errorFromHttp(
      res.status,
      messageOf(json ?? text),
      res.headers.get('retry-after'),
      usageFromHeaders(res.headers),
    );
  }

  /**
   * The body exactly as the caller's (already parsed) parameters say: what the user chose and the job
   * stored is what Segmind receives, with local images inlined as data.
   */
  async function prepare(model: ModelId, params: unknown, signal: AbortSignal | undefined) {
    const body = await resolveLocalRefs(
      model,
      (params ?? {}) as ModelParams,
      options.resolveLocalImage,
      signal,
    );
    return JSON.stringify(body);
  }

  async function post(
    url: string,
    body: string,
    signal: AbortSignal | undefined,
    timeout: number,
  ): Promise<Exchange> {
    // The timers cannot see upload progress: give a remix with 10 MB sources time to go up.
    const upload = Math.ceil(Buffer.byteLength(body) / MIN_BYTES_PER_MS);
    return exchange(
      url,
      { method: 'POST', body },
      {
        fetch: doFetch,
        timeoutMs: timeout + upload,
        deadlineMs: Math.max(deadlineMs, 2 * timeout) + upload,
        headersFor: apiHeaders(true),
        signal,
        maxBytes: MAX_API_BODY_BYTES,
        unsafe: true,
      },
    );
  }

  async function get(url: string, signal: AbortSignal | undefined, what: string): Promise<Exchange> {
    return exchange(
      url,
      { method: 'GET', body: undefined },
      {
        fetch: doFetch,
        timeoutMs,
        deadlineMs,
        headersFor: apiHeaders(false),
        signal,
        maxBytes: MAX_API_BODY_BYTES,
        what,
      },
    );
  }

  const media = createMediaDownloads({
    fetch: doFetch,
    timeoutMs,
    deadlineMs,
    userAgent,
    createFile: options.createFile,
    httpError: (res) => {
      const { json, text } = bodyOf(res);
      return httpError(res, json, text);
    },
  });

  return {
    async submit(model, params, { signal } = {}) {
      const slug = getModel(model).slug;
      const url = new URL(`v2/${slug}`, root).href;
      const res = await post(url, await prepare(model, params, signal), signal, timeoutMs);
      const { json, text, parsed } = bodyOf(res);
      if (res.status < 200 || res.status > 299) throw httpError(res, json, text);
      if (!parsed || json === null || typeof json !== 'object') {
        throw segmindError('bad_response', 'the submit answer is not JSON', {
          httpStatus: res.status,
          maybeAccepted: true,
        });
      }
      const record = json as Record<string, unknown>;
      const requestId = record.request_id ?? record.requestId ?? record.id;
      if (typeof requestId !== 'string' && typeof requestId !== 'number') {
        throw segmindError('bad_response', 'the answer has no request_id', {
          httpStatus: res.status,
          maybeAccepted: true,
        });
      }
      const result: SubmitResult = {
        requestId: String(requestId),
        statusUrl: checkedUrl(record.status_url, 'status_url', url),
        responseUrl: checkedUrl(record.response_url, 'response_url', url),
        raw: json,
        usage: usageFromHeaders(res.headers),
      };
      if (typeof record.poll_url === 'string' && record.poll_url)
        result.pollUrl = checkedUrl(record.poll_url, 'poll_url', url);
      return result;
    },

    async status(statusUrl, { signal } = {}) {
      const res = await get(statusUrl, signal, 'the status answer');
      const { json, text, parsed } = bodyOf(res);
      const status = statusOf(json);
      // FAILED comes with 422. Any other code is the moment's trouble (a gateway's 502 whose body
      // says "status": "error"), never the end of a job someone paid for.
      if ((status === 'COMPLETED' || status === 'FAILED') && answersTerminally(res.status)) {
        const result: StatusResult = { status, raw: json };
        const error = status === 'FAILED' ? (messageOf(json) ?? 'the generation failed') : undefined;
        if (error !== undefined) result.error = error;
        return result;
      }
      if (res.status < 200 || res.status > 299) throw httpError(res, json, text);
      if (!parsed)
        throw segmindError('bad_response', 'the status answer is not JSON', {
          httpStatus: res.status,
          retryable: true,
        });
      if (!status)
        throw segmindError('bad_response', 'the status answer names no known state', {
          httpStatus: res.status,
        });
      return { status, raw: json };
    },

    async result(responseUrl, { signal } = {}) {
      const res = await get(responseUrl, signal, 'the result');
      const { json, text, parsed } = bodyOf(res);
      const status = statusOf(json);
      if (status === 'FAILED' && answersTerminally(res.status)) {
        const message = messageOf(json) ?? 'the generation failed';
        throw segmindError('failed', message, { httpStatus: res.status, serverMessage: message });
      }
      if (res.status < 200 || res.status > 299) throw httpError(res, json, text);
      if (!parsed) {
        throw segmindError('bad_response', 'the result is not JSON', {
          httpStatus: res.status,
          retryable: true,
        });
      }
      if (status === 'QUEUED' || status === 'PROCESSING') {
        throw segmindError('bad_response', `the result is not ready (status ${status})`, {
          httpStatus: res.status,
        });
      }
      const outputs = normaliseOutputs(json);
      if (outputs.length === 0)
        throw segmindError('bad_response', 'the result holds no image', { httpStatus: res.status });
      const result: ResultBody = { outputs, raw: json, usage: usageFromHeaders(res.headers) };
      const expandedPrompt = expandedPromptOf(json);
      const seed = seedOf(json);
      if (expandedPrompt !== undefined) result.expandedPrompt = expandedPrompt;
      if (seed !== undefined) result.seed = seed;
      const seeds = seedsPerOutput(json, outputs.length);
      if (seeds) result.seeds = seeds;
      return result;
    },

    async runSync(model, params, { signal } = {}) {
      const url = new URL(`v1/${getModel(model).slug}`, root).href;
      const res = await post(url, await prepare(model, params, signal), signal, syncTimeoutMs);
      const usage = usageFromHeaders(res.headers);
      const contentType = res.headers.get('content-type')?.split(';')[0]?.trim().toLowerCase() ?? null;
      if (
        res.status >= 200 &&
        res.status <= 299 &&
        (contentType?.startsWith('image/') || sniffImageType(res.body))
      ) {
        const type = contentType?.startsWith('image/') ? contentType : sniffImageType(res.body);
        return {
          outputs: [{ kind: 'bytes', bytes: res.body, contentType: type }],
          raw: { contentType: type, bytes: res.body.length },
          usage,
        };
      }
      const { json, text, parsed } = bodyOf(res);
      if ((statusOf(json) === 'FAILED' && answersTerminally(res.status)) || res.status === 422) {
        const message = messageOf(json ?? text) ?? 'the generation failed';
        throw segmindError('failed', message, { httpStatus: res.status, serverMessage: message });
      }
      if (res.status < 200 || res.status > 299) throw httpError(res, json, text);
      if (!parsed)
        throw segmindError('bad_response', 'the answer is neither an image nor JSON', {
          httpStatus: res.status,
          maybeAccepted: true,
        });
      const outputs = normaliseOutputs(json);
      if (outputs.length === 0)
        throw segmindError('bad_response', 'the answer holds no image', {
          httpStatus: res.status,
          maybeAccepted: true,
        });
      return { outputs, raw: json, usage };
    },

    download: media.download,
    downloadToFile: media.downloadToFile,

    async probe({ signal } = {}) {
      try {
        await exchange(
          root.href,
          { method: 'GET', body: undefined },
          {
            fetch: doFetch,
            timeoutMs: Math.min(timeoutMs, PROBE_TIMEOUT_MS),
            deadlineMs: Math.min(deadlineMs, 2 * PROBE_TIMEOUT_MS),
            headersFor: () => ({ 'user-agent': userAgent }),
            followRedirects: false,
            signal,
            maxBytes: 64 * 1024,
          },
        );
        return true;
      } catch (error) {
        if (error instanceof SegmindError && error.kind === 'aborted') throw error;
        // Headers came back before the trouble (a huge or dripping body): the host is there.
        return error instanceof SegmindError && error.httpStatus !== undefined;
      }
    },
  };
}

/** The codes with which a body naming a terminal state (COMPLETED, FAILED) is Segmind's final word. */
function answersTerminally(httpStatus: number): boolean {
  return (httpStatus >= 200 && httpStatus <= 299) || httpStatus === 422;
}
