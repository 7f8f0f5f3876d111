import { segmindError, SegmindError } from './errors.ts';
import { fetchFollowingRedirects, type Hop } from './redirects.ts';

/** Failures that happen before a byte is sent: a submit that hit one of these was surely not accepted. */
const neverConnected = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

/** 50 KB/s: the slowest line we still wait for. A body that trickles slower than this is cut off. */
export const MIN_BYTES_PER_MS = 50;
/** However steady the bytes, no single exchange holds a slot longer than this. */
const MAX_DEADLINE_MS = 15 * 60_000;

function errorCode(error: unknown): string | undefined {
  for (let e = error, depth = 0; e instanceof Error && depth < 4; e = e.cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
  }
  return undefined;
}

export interface ExchangeOptions {
  fetch: typeof fetch;
  /** Longest silence allowed: before the headers, and between two chunks of the body. */
  timeoutMs: number;
  /**
   * Longest the whole exchange may take, headers and body together. Each byte received buys
   * 1 / MIN_BYTES_PER_MS ms more, so a large image on a slow but steady line still arrives, while a
   * body that drips a byte now and then (which the idle timeout never sees) is cut off.
   */
  deadlineMs: number;
  /** The headers of each hop: the caller decides which origin may see the key. */
  headersFor: (url: URL) => Record<string, string>;
  /** Off for the connectivity probe, to which a redirect is already an answer. */
  followRedirects?: boolean;
  signal?: AbortSignal | undefined;
  maxBytes?: number | undefined;
  /** What the body is, for the "too large" message ("the image", "the result"). */
  what?: string;
  /** A request that may have been accepted if its answer is lost (a submit). */
  unsafe?: boolean;
  /**
   * Where a 2xx body goes chunk by chunk instead of into memory (downloads to a file). Its errors
   * (a full disk) come out unchanged: they are ours, not the network's.
   */
  sink?: (chunk: Uint8Array) => Promise<void>;
}

export interface Exchange {
  status: number;
  headers: Headers;
  body: Buffer;
}

/** A size as people read it in a message: "52.4 MB", "12 KB". */
export function sizeText(bytes: number): string {
  const mb = bytes / 1024 / 1024;
  return mb >= 1 ? `${mb.toFixed(1)} MB` : `${Math.max(1, Math.round(bytes / 1024))} KB`;
}

/**
 * One HTTP request read to the end, with an idle timeout, a total deadline, the caller's AbortSignal
 * and a size cap. Every failure except the sink's comes out as a SegmindError, so callers never see a
 * raw fetch TypeError. A timeout or cut-off after the headers arrived carries their HTTP status: the
 * server was reachable.
 */
export async function exchange(url: string, hop: Hop, options: ExchangeOptions): Promise<Exchange> {
  const outer = options.signal;
  if (outer?.aborted) throw segmindError('aborted');
  const controller = new AbortController();
  const onAbort = () => controller.abort();
  outer?.addEventListener('abort', onAbort, { once: true });
  const what = options.what ?? 'the answer';
  const started = Date.now();
  let received = 0;
  let httpStatus: number | undefined;
  let cutOff: 'idle' | 'deadline' | null = null;
  let idleTimer: ReturnType<typeof setTimeout> | undefined;
  let deadlineTimer: ReturnType<typeof setTimeout> | undefined;
  const cut = (why: 'idle' | 'deadline') => {
    cutOff = why;
    controller.abort();
  };
  const deadlineAt = () =>
    started + Math.min(MAX_DEADLINE_MS, options.deadlineMs + received / MIN_BYTES_PER_MS);
  const armIdle = () => {
    clearTimeout(idleTimer);
    idleTimer = setTimeout(() => cut('idle'), options.timeoutMs);
  };
  const armDeadline = () => {
    deadlineTimer = setTimeout(
      () => (Date.now() >= deadlineAt() ? cut('deadline') : armDeadline()),
      Math.max(0, deadlineAt() - Date.now()),
    );
  };

  const failure = (cause: unknown, stage: string): SegmindError => {
    if (cause instanceof SegmindError) return cause;
    if (outer?.aborted) return segmindError('aborted', undefined, { cause });
    const code = errorCode(cause);
    const maybeAccepted = options.unsafe === true && !(code !== undefined && neverConnected.has(code));
    if (cutOff === 'idle')
      return segmindError('timeout', `no answer for ${options.timeoutMs} ms ${stage}`, {
        maybeAccepted,
        httpStatus,
      });
    if (cutOff === 'deadline')
      return segmindError('timeout', `${what} took longer than ${Date.now() - started} ms ${stage}`, {
        maybeAccepted,
        httpStatus,
      });
    const detail =
      cause instanceof Error
        ? cause.cause instanceof Error
          ? cause.cause.message
          : cause.message
        : String(cause);
    return segmindError('network', `${detail} ${stage}`, { maybeAccepted, cause, httpStatus });
  };
  const tooLarge = (size: string) =>
    segmindError(
      'too_large',
      `${what} is ${size}; the app takes at most ${sizeText(options.maxBytes ?? 0)}`,
      {
        httpStatus,
      },
    );

  armIdle();
  armDeadline();
  try {
    let response: Response;
    try {
      response = await fetchFollowingRedirects(
        options.fetch,
        url,
        hop,
        options.headersFor,
        controller.signal,
        options.followRedirects ?? true,
      );
    } catch (error) {
      throw failure(error, 'while waiting for the answer');
    }
    httpStatus = response.status;
    const declared = Number(response.headers.get('content-length'));
    const hasLength = response.headers.has('content-length') && Number.isFinite(declared);
    if (options.maxBytes !== undefined && hasLength && declared > options.maxBytes) {
      await response.body?.cancel().catch(() => undefined);
      throw tooLarge(sizeText(declared));
    }
    const chunks: Buffer[] = [];
    const sink = response.ok ? options.sink : undefined;
    let sinkError: unknown = null;
    try {
      if (response.body) {
        for await (const chunk of response.body) {
          armIdle();
          received += chunk.byteLength;
          if (options.maxBytes !== undefined && received > options.maxBytes) {
            controller.abort();
            throw tooLarge(`more than ${sizeText(options.maxBytes)}`);
          }
          if (!sink) chunks.push(Buffer.from(chunk));
          else
            await sink(chunk).catch((error: unknown) => {
              sinkError = error;
              throw error;
            });
        }
      }
    } catch (error) {
      if (sinkError !== null && error === sinkError) {
        controller.abort();
        throw error;
      }
      throw failure(error, 'while reading the answer');
    }
    // A body cut short with a declared length is a broken transfer, not a smaller image.
    if (hasLength && received < declared && hop.method !== 'HEAD') {
      throw segmindError('network', `the answer ended after ${received} of ${declared} bytes`, {
        maybeAccepted: options.unsafe === true,
        httpStatus,
      });
    }
    return { status: response.status, headers: response.headers, body: Buffer.concat(chunks) };
  } finally {
    clearTimeout(idleTimer);
    clearTimeout(deadlineTimer);
    outer?.removeEventListener('abort', onAbort);
  }
}
