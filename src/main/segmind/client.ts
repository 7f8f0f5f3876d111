import { createHash } from 'node:crypto';
import { open, rm } from 'node:fs/promises';
import { getModel } from '../../shared/models/index.ts';
import type { ModelId, ModelParams } from '../../shared/models/index.ts';
import { errorFromHttp, segmindError, SegmindError } from './errors.ts';
import { exchange } from './http-exchange.ts';
import type { Exchange } from './http-exchange.ts';
import { expandedPromptOf, normaliseOutputs, seedOf, sniffImageType } from './output-normalizer.ts';
import type { OutputSource } from './output-normalizer.ts';
import { resolveLocalRefs } from './local-images.ts';
import { seedsPerOutput } from './output-seeds.ts';
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
  /** The v1 call holds the connection for the whole generation, so it gets its own, longer limit. */
  syncTimeoutMs?: number;
  resolveLocalImage?: ResolveLocalImage;
}

export type { UsageHeaders };

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

export interface DownloadResult {
  bytes: Buffer;
  contentType: string | null;
}

export interface FileDownload {
  path: string;
  size: number;
  sha256: string;
  contentType: string | null;
}

export interface CallOptions {
  signal?: AbortSignal;
}

export interface DownloadOptions extends CallOptions {
  maxBytes?: number;
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
}

const DEFAULT_TIMEOUT_MS = 30_000;
const MIN_SECRET_LENGTH = 8;
/** 50 KB/s: a slow uplink still finishes a 40 MB remix body. */
const MIN_UPLOAD_BYTES_PER_MS = 50;
const DEFAULT_SYNC_TIMEOUT_MS = 180_000;
const MAX_API_BODY_BYTES = 200 * 1024 * 1024;
const DEFAULT_MAX_DOWNLOAD_BYTES = 100 * 1024 * 1024;

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
  const userAgent = options.userAgent ?? 'ideogram-studio';
  const apiKey = options.apiKey;

  // The key must not leak through a server that echoes it back into a body or an error.
  // Shorter strings are placeholders, not secrets, and would mangle unrelated text.
  const redact = (text: string): string =>
    apiKey.length >= MIN_SECRET_LENGTH ? text.split(apiKey).join('[redacted]') : text;

  function headersFor(url: string, json: boolean): Record<string, string> {
    const headers: Record<string, string> = {
      'user-agent': userAgent,
      accept: 'application/json, image/*;q=0.9',
    };
    if (json) headers['content-type'] = 'application/json';
    // Only Segmind's own API host ever sees the key; status URLs elsewhere are fetched without it.
    if (new URL(url).origin === apiOrigin) headers['x-api-key'] = apiKey;
    return headers;
  }

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
    return exchange(
      url,
      { method: 'POST', headers: headersFor(url, true), body },
      {
        fetch: doFetch,
        // The idle timer cannot see upload progress: give a remix with 10 MB sources time to go up.
        timeoutMs: timeout + Math.ceil(Buffer.byteLength(body) / MIN_UPLOAD_BYTES_PER_MS),
        signal,
        maxBytes: MAX_API_BODY_BYTES,
        unsafe: true,
      },
    );
  }

  async function get(url: string, signal: AbortSignal | undefined): Promise<Exchange> {
    return exchange(
      url,
      { method: 'GET', headers: headersFor(url, false) },
      { fetch: doFetch, timeoutMs, signal, maxBytes: MAX_API_BODY_BYTES },
    );
  }

  /** Media hosts are third parties (S3, CDNs): no key, ever, even on the API origin. */
  async function fetchMedia(
    href: string,
    { signal, maxBytes }: { signal?: AbortSignal | undefined; maxBytes: number },
    sink?: (chunk: Uint8Array) => Promise<void>,
  ): Promise<Exchange> {
    let url: URL;
    try {
      url = new URL(href);
    } catch {
      throw segmindError('bad_response', 'the output URL is not valid');
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw segmindError('bad_response', 'the output URL is not http(s)');
    }
    const res = await exchange(
      url.href,
      { method: 'GET', headers: { 'user-agent': userAgent, accept: 'image/*' } },
      { fetch: doFetch, timeoutMs, signal, maxBytes, sink },
    );
    if (res.status < 200 || res.status > 299) {
      const { json, text } = bodyOf(res);
      throw httpError(res, json, text);
    }
    return res;
  }

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
      const res = await get(statusUrl, signal);
      const { json, text, parsed } = bodyOf(res);
      const status = statusOf(json);
      // A terminal state is an answer whatever the HTTP code: FAILED comes with 422.
      if (status === 'COMPLETED' || status === 'FAILED') {
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
      const res = await get(responseUrl, signal);
      const { json, text, parsed } = bodyOf(res);
      const status = statusOf(json);
      if (status === 'FAILED') {
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
      if (statusOf(json) === 'FAILED' || res.status === 422) {
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

    async download(source, { signal, maxBytes = DEFAULT_MAX_DOWNLOAD_BYTES } = {}) {
      if (source.kind === 'bytes') {
        checkInlineSize(source.bytes, maxBytes);
        return { bytes: source.bytes, contentType: source.contentType ?? sniffImageType(source.bytes) };
      }
      const res = await fetchMedia(source.url, { signal, maxBytes });
      return { bytes: res.body, contentType: mediaType(res.headers, res.body) };
    },

    async downloadToFile(source, path, { signal, maxBytes = DEFAULT_MAX_DOWNLOAD_BYTES } = {}) {
      const handle = await open(path, 'wx');
      const hash = createHash('sha256');
      let head = Buffer.alloc(0);
      let size = 0;
      const sink = async (chunk: Uint8Array) => {
        if (head.length < 16) head = Buffer.concat([head, Buffer.from(chunk.subarray(0, 16))]);
        hash.update(chunk);
        size += chunk.byteLength;
        await handle.write(chunk);
      };
      try {
        let headers: Headers | null = null;
        if (source.kind === 'bytes') {
          checkInlineSize(source.bytes, maxBytes);
          await sink(source.bytes);
        } else {
          headers = (await fetchMedia(source.url, { signal, maxBytes }, sink)).headers;
        }
        // Durable before the library renames it into its store: a crash must not leave a torn image.
        await handle.sync();
        await handle.close();
        const contentType =
          source.kind === 'bytes' ? (source.contentType ?? sniffImageType(head)) : mediaType(headers!, head);
        return { path, size, sha256: hash.digest('hex'), contentType };
      } catch (error) {
        await handle.close().catch(() => undefined);
        await rm(path, { force: true });
        throw error;
      }
    },
  };
}

function checkInlineSize(bytes: Buffer, maxBytes: number): void {
  if (bytes.length > maxBytes)
    throw segmindError('bad_response', `the image is more than the ${maxBytes} bytes allowed`);
}

/** The declared type when it is an image type, else what the first bytes say. */
function mediaType(headers: Headers, head: Buffer): string | null {
  const header = headers.get('content-type')?.split(';')[0]?.trim().toLowerCase() ?? null;
  return header?.startsWith('image/') ? header : (sniffImageType(head) ?? header);
}
