import { errorFromHttp, segmindError } from './errors.ts';
import { exchange } from './http-exchange.ts';
import { messageOf } from './response-fields.ts';

export interface AccountCredits {
  credits: number;
  freeCredits: number;
}

export interface BalanceCallOptions {
  /** The API origin (e.g. https://api.segmind.com); the path is Segmind's account route. */
  baseUrl: string;
  apiKey: string;
  fetch?: typeof fetch;
  userAgent?: string;
  timeoutMs?: number;
  signal?: AbortSignal;
}

function amount(value: unknown): number | undefined {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof n === 'number' && Number.isFinite(n) ? n : undefined;
}

/**
 * `GET {origin}/v1/get-user-credits`, answered `{"credits": 0.0, "free-credits": 0.018}` (Segmind's
 * account and billing docs). Failures are SegmindErrors like every other call's.
 */
export async function fetchAccountCredits(options: BalanceCallOptions): Promise<AccountCredits> {
  const root = new URL(options.baseUrl);
  root.pathname = root.pathname.replace(/\/+$/, '').replace(/\/v[12]$/, '') + '/';
  const url = new URL('v1/get-user-credits', root).href;
  const timeoutMs = options.timeoutMs ?? 15_000;
  const res = await exchange(
    url,
    { method: 'GET', body: undefined },
    {
      fetch: options.fetch ?? globalThis.fetch,
      timeoutMs,
      deadlineMs: 2 * timeoutMs,
      // Only the API's own origin ever sees the key, whatever a redirect says.
      headersFor: (hop) => ({
        'user-agent': options.userAgent ?? 'ideogram-studio',
        accept: 'application/json',
        ...(hop.origin === root.origin ? { 'x-api-key': options.apiKey } : {}),
      }),
      signal: options.signal,
      // A balance is a few dozen bytes; anything near this is not one.
      maxBytes: 64 * 1024,
      what: 'the balance',
    },
  );
  // The key must not come back through an answer that echoes it; short strings are placeholders, not keys.
  const raw = res.body.toString('utf8');
  const text = options.apiKey.length >= 8 ? raw.split(options.apiKey).join('[redacted]') : raw;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  if (res.status < 200 || res.status > 299) throw errorFromHttp(res.status, messageOf(json ?? text), null);
  const record = (json ?? {}) as Record<string, unknown>;
  const credits = amount(record.credits);
  const freeCredits = amount(record['free-credits'] ?? record.free_credits) ?? 0;
  if (credits === undefined) throw segmindError('bad_response', 'the balance answer has no "credits" number');
  return { credits, freeCredits };
}
