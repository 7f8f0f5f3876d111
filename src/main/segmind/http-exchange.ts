import { segmindError, SegmindError } from './errors.ts';

/** Failures that happen before a byte is sent: a submit that hit one of these was surely not accepted. */
const neverConnected = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

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
  signal?: AbortSignal | undefined;
  maxBytes?: number | undefined;
  /** A request that may have been accepted if its answer is lost (a submit). */
  unsafe?: boolean;
  /** Where a 2xx body goes chunk by chunk instead of into memory (downloads to a file). */
  sink?: (chunk: Uint8Array) => Promise<void>;
}

export interface Exchange {
  status: number;
  headers: Headers;
  body: Buffer;
}

/**
 * One HTTP request read to the end, with an idle timeout, the caller's AbortSignal and a size cap.
 * Every failure comes out as a SegmindError, so callers never see a raw fetch TypeError.
 */
export async function exchange(url: string, init: RequestInit, options: ExchangeOptions): Promise<Exchange> {
  const controller = new AbortController();
  let timedOut = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const arm = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, options.timeoutMs);
  };
  const onAbort = () => controller.abort();
  const outer = options.signal;
  if (outer?.aborted) throw segmindError('aborted');
  outer?.addEventListener('abort', onAbort, { once: true });

  const failure = (cause: unknown, stage: string): SegmindError => {
    if (cause instanceof SegmindError) return cause;
    if (outer?.aborted) return segmindError('aborted', undefined, { cause });
    const code = errorCode(cause);
    const maybeAccepted = options.unsafe === true && !(code !== undefined && neverConnected.has(code));
    if (timedOut)
      return segmindError('timeout', `no answer for ${options.timeoutMs} ms ${stage}`, { maybeAccepted });
    const detail =
      cause instanceof Error
        ? cause.cause instanceof Error
          ? cause.cause.message
          : cause.message
        : String(cause);
    return segmindError('network', `${detail} ${stage}`, { maybeAccepted, cause });
  };

  arm();
  try {
    let response: Response;
    try {
      response = await options.fetch(url, { ...init, signal: controller.signal, redirect: 'follow' });
    } catch (error) {
      throw failure(error, 'while waiting for the answer');
    }
    const declared = Number(response.headers.get('content-length'));
    if (options.maxBytes !== undefined && Number.isFinite(declared) && declared > options.maxBytes) {
      await response.body?.cancel().catch(() => undefined);
      throw segmindError(
        'bad_response',
        `the answer is ${declared} bytes, more than the ${options.maxBytes} allowed`,
        {
          httpStatus: response.status,
        },
      );
    }
    const chunks: Buffer[] = [];
    const sink = response.ok ? options.sink : undefined;
    let total = 0;
    try {
      if (response.body) {
        for await (const chunk of response.body) {
          arm();
          total += chunk.byteLength;
          if (options.maxBytes !== undefined && total > options.maxBytes) {
            controller.abort();
            throw segmindError(
              'bad_response',
              `the answer is more than the ${options.maxBytes} bytes allowed`,
              {
                httpStatus: response.status,
              },
            );
          }
          if (sink) await sink(chunk);
          else chunks.push(Buffer.from(chunk));
        }
      }
    } catch (error) {
      throw failure(error, 'while reading the answer');
    }
    // A body cut short with a declared length is a broken transfer, not a smaller image.
    if (
      Number.isFinite(declared) &&
      response.headers.has('content-length') &&
      total < declared &&
      init.method !== 'HEAD'
    ) {
      throw segmindError('network', `the answer ended after ${total} of ${declared} bytes`, {
        maybeAccepted: options.unsafe === true,
      });
    }
    return { status: response.status, headers: response.headers, body: Buffer.concat(chunks) };
  } finally {
    clearTimeout(timer);
    outer?.removeEventListener('abort', onAbort);
  }
}
