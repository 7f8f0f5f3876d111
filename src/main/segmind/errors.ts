import type { UsageHeaders } from './usage-headers.ts';

export const segmindErrorKinds = [
  'bad_request',
  'unauthorized',
  'forbidden',
  'not_found',
  'insufficient_credits',
  'failed',
  'rate_limited',
  'server',
  'network',
  'timeout',
  'bad_response',
  'too_large',
  'aborted',
] as const;
export type SegmindErrorKind = (typeof segmindErrorKinds)[number];

/** Worth sending again later: the request itself was fine, the moment was not. */
const retryableKinds: ReadonlySet<SegmindErrorKind> = new Set([
  'rate_limited',
  'server',
  'network',
  'timeout',
]);

export interface SegmindErrorInit {
  httpStatus?: number;
  retryAfterMs?: number;
  field?: string;
  serverMessage?: string;
  /**
   * Set on a submit whose answer was lost (dropped connection, timeout, unreadable 2xx): the server
   * may have queued it, so resending risks a second paid job.
   */
  maybeAccepted?: boolean;
  /** Overrides the kind's default, e.g. an unreadable status answer is worth asking again. */
  retryable?: boolean;
  /** Credit headers sent with the error, e.g. the balance on a 406. */
  usage?: UsageHeaders;
  cause?: unknown;
}

export class SegmindError extends Error {
  readonly kind: SegmindErrorKind;
  readonly httpStatus: number | undefined;
  readonly retryAfterMs: number | undefined;
  readonly field: string | undefined;
  readonly serverMessage: string | undefined;
  readonly maybeAccepted: boolean;
  readonly usage: UsageHeaders | undefined;
  readonly #retryable: boolean | undefined;

  constructor(kind: SegmindErrorKind, message: string, init: SegmindErrorInit = {}) {
    super(message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = 'SegmindError';
    this.kind = kind;
    this.httpStatus = init.httpStatus;
    this.retryAfterMs = init.retryAfterMs;
    this.field = init.field;
    this.serverMessage = init.serverMessage;
    this.maybeAccepted = init.maybeAccepted ?? false;
    this.#retryable = init.retryable;
    this.usage = init.usage;
  }

  /** Never true when the request may have been accepted: sending it again could pay twice. */
  get retryable(): boolean {
    if (this.maybeAccepted) return false;
    return this.#retryable ?? retryableKinds.has(this.kind);
  }
}

export function kindForStatus(status: number): SegmindErrorKind {
  if (status === 401) return 'unauthorized';
  if (status === 402 || status === 406) return 'insufficient_credits';
  if (status === 403) return 'forbidden';
  if (status === 404 || status === 410) return 'not_found';
  if (status === 408) return 'timeout';
  if (status === 422) return 'failed';
  if (status === 429) return 'rate_limited';
  if (status >= 500) return 'server';
  return 'bad_request';
}

const defaultMessages: Record<SegmindErrorKind, string> = {
  bad_request: 'Segmind refused the parameters',
  unauthorized: 'Segmind refused the API key',
  forbidden: 'Segmind does not allow this request',
  not_found: 'Segmind does not know this model or request (results expire after 1 hour)',
  insufficient_credits: 'The Segmind account has run out of credits',
  failed: 'The generation failed',
  rate_limited: 'Segmind is rate limiting requests',
  server: 'Segmind had a server error',
  network: 'Could not reach Segmind',
  timeout: 'Segmind did not answer in time',
  bad_response: 'Segmind sent an answer the app cannot read',
  too_large: 'Segmind sent more than the app accepts',
  aborted: 'The request was cancelled',
};

/** Past a day a server's wait means nothing to a queue whose results live an hour; it also keeps 1e308 finite. */
const MAX_RETRY_AFTER_MS = 24 * 3_600_000;

/** Retry-After is seconds or an HTTP date; the caller decides how much of it to honour. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (!value?.trim()) return undefined;
  const seconds = Number(value);
  const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(value) - now;
  return Number.isNaN(ms) ? undefined : Math.min(MAX_RETRY_AFTER_MS, Math.max(0, Math.round(ms)));
}

/** A 400 message like "seed: must be ..." names the field; the form shows it there. */
export function fieldFromMessage(message: string | undefined): string | undefined {
  const match = message === undefined ? null : /^([a-z_][a-z0-9_]*)(?:\.[\w.]+)?\s*:/i.exec(message);
  return match?.[1];
}

export function errorFromHttp(
  status: number,
  serverMessage: string | undefined,
  retryAfter: string | null,
  usage?: UsageHeaders,
): SegmindError {
  const kind = kindForStatus(status);
  const message = serverMessage
    ? `${defaultMessages[kind]} (HTTP ${status}): ${serverMessage}`
    : `${defaultMessages[kind]} (HTTP ${status})`;
  return new SegmindError(kind, message, {
    httpStatus: status,
    serverMessage,
    retryAfterMs: parseRetryAfter(retryAfter),
    ...(usage && Object.keys(usage).length > 0 ? { usage } : {}),
    field: kind === 'bad_request' ? fieldFromMessage(serverMessage) : undefined,
  });
}

export function segmindError(kind: SegmindErrorKind, detail?: string, init?: SegmindErrorInit): SegmindError {
  return new SegmindError(kind, detail ? `${defaultMessages[kind]}: ${detail}` : defaultMessages[kind], init);
}
