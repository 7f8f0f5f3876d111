import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/**
 * DNS rebinding defence: a page on evil.example that resolves its own name to 127.0.0.1 still sends
 * `Host: evil.example`, so only loopback names with our port are served.
 */
export function isAllowedHost(hostHeader: string | undefined, port: number): boolean {
  if (!hostHeader) return false;
  return (
    hostHeader === `127.0.0.1:${port}` || hostHeader === `localhost:${port}` || hostHeader === `[::1]:${port}`
  );
}

/** Browsers send Origin on cross-site requests; anything not ours is refused, so no CORS at all. */
export function isAllowedOrigin(originHeader: string | undefined, port: number): boolean {
  if (originHeader === undefined) return true;
  return (
    originHeader === `http://127.0.0.1:${port}` ||
    originHeader === `http://localhost:${port}` ||
    originHeader === `http://[::1]:${port}`
  );
}

export function tokensMatch(given: string | null | undefined, expected: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * The token travels only as a bearer header, which the page's own script adds to its calls. Never a
 * cookie: browsers scope cookies by host, not port, so one set by 127.0.0.1:5174 goes to every other
 * server on 127.0.0.1 too. Never the query: URLs end up in history, logs and Referer headers.
 */
export function bearerToken(req: IncomingMessage): string | null {
  const auth = req.headers.authorization;
  return auth?.startsWith('Bearer ') ? auth.slice('Bearer '.length) : null;
}

/** The cookie older versions set; sent back expired so it stops going to every loopback port. */
export const legacyTokenCookie = 'studio_token';

export function hasLegacyCookie(req: IncomingMessage): boolean {
  return (req.headers.cookie ?? '')
    .split(';')
    .some((part) => part.trim().startsWith(`${legacyTokenCookie}=`));
}

export const clearLegacyCookie = `${legacyTokenCookie}=; Max-Age=0; Path=/; HttpOnly; SameSite=Strict`;
