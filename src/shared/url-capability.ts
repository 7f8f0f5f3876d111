import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { utf8ToBytes } from '@noble/hashes/utils.js';

/**
 * Signed, short-lived URLs for what a browser fetches without our headers: <img src>, a download link,
 * a drag-out. Browser mode's page holds the run's token and sends it as a header on its own calls;
 * an <img> cannot, so its URL carries `exp` (unix seconds) and `sig`, an HMAC of the URL's path and
 * expiry under a key derived from the token. A URL that leaks (a copied link, a log) opens that one
 * file until it expires and nothing else: it reveals neither the token nor any other URL's signature.
 *
 * Synchronous on purpose (noble's HMAC, not WebCrypto's async one): the page builds image URLs while it
 * renders, hundreds per grid page.
 */

/** Image URLs expire on hour boundaries, 1-2 hours out: stable for an hour, so the browser's cache works. */
export const mediaWindowSeconds = 3600;
/** The most a URL may claim: the media window's two hours, plus a minute of clock skew. */
export const maxCapabilitySeconds = 2 * mediaWindowSeconds + 60;

const encoder = utf8ToBytes;

export function capabilityKey(token: string): Uint8Array {
  return hmac(sha256, encoder(token), encoder('ideogram-studio url capability v1'));
}

export function signature(key: Uint8Array, path: string, exp: number): string {
  const mac = hmac(sha256, key, encoder(`${path}\n${exp}`)).subarray(0, 16);
  let binary = '';
  for (const byte of mac) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** An expiry on the media window's grid: every URL made within the same hour is the same URL. */
export function mediaExpiry(nowSeconds: number): number {
  return (Math.floor(nowSeconds / mediaWindowSeconds) + 2) * mediaWindowSeconds;
}

export function signedUrl(key: Uint8Array, path: string, exp: number): string {
  return `${path}?exp=${exp}&sig=${signature(key, path, exp)}`;
}

/**
 * Whether `sig` signs `path` until `exp`, and `exp` is neither past nor further out than any URL we
 * hand out. The comparison runs over every character, so timing tells nothing about a near miss.
 */
export function verifySignedPath(
  key: Uint8Array,
  path: string,
  exp: string | null,
  sig: string | null,
  nowSeconds: number,
): boolean {
  if (!exp || !sig || !/^\d{1,12}$/.test(exp)) return false;
  const expiry = Number(exp);
  if (expiry < nowSeconds || expiry - nowSeconds > maxCapabilitySeconds) return false;
  const expected = signature(key, path, expiry);
  if (expected.length !== sig.length) return false;
  let difference = 0;
  for (let i = 0; i < expected.length; i++) difference |= expected.charCodeAt(i) ^ sig.charCodeAt(i);
  return difference === 0;
}
