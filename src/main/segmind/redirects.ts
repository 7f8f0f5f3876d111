import { segmindError } from './errors.ts';

/** Enough for a load balancer and a presigned object-store hop; more is a loop. */
const MAX_REDIRECTS = 5;
const redirectCodes = new Set([301, 302, 303, 307, 308]);

export interface Hop {
  method: string;
  body: string | undefined;
}

/**
 * Follows redirects by hand. fetch's own `redirect: 'follow'` keeps custom headers across origins, so
 * a 302 from the API to an object store would carry `x-api-key` there; here every hop asks
 * `headersFor` afresh, and only the caller decides which origin may see the key.
 */
export async function fetchFollowingRedirects(
  doFetch: typeof fetch,
  start: string,
  first: Hop,
  headersFor: (url: URL) => Record<string, string>,
  signal: AbortSignal,
  follow: boolean,
): Promise<Response> {
  let url = new URL(start);
  let hop = first;
  for (let hops = 0; ; hops++) {
    const response = await doFetch(url, {
      method: hop.method,
      headers: headersFor(url),
      body: hop.body,
      signal,
      redirect: 'manual',
    });
    const location = response.headers.get('location');
    if (!follow || !redirectCodes.has(response.status) || !location) return response;
    await response.body?.cancel().catch(() => undefined);
    if (hops >= MAX_REDIRECTS) {
      // Every hop so far was a redirect, so no server has taken a submit yet.
      throw segmindError('bad_response', `more than ${MAX_REDIRECTS} redirects`, {
        httpStatus: response.status,
      });
    }
    let next: URL;
    try {
      next = new URL(location, url);
    } catch {
      throw segmindError('bad_response', 'a redirect names an unusable URL', { httpStatus: response.status });
    }
    if (next.protocol !== 'http:' && next.protocol !== 'https:') {
      throw segmindError('bad_response', `a redirect leads to ${next.protocol} instead of http(s)`, {
        httpStatus: response.status,
      });
    }
    // What browsers and fetch do: 303 always, and 301/302 after a POST, go on as a GET without a body.
    const asGet = response.status === 303 || (hop.method === 'POST' && response.status <= 302);
    if (asGet) hop = { method: 'GET', body: undefined };
    url = next;
  }
}
