/**
 * The page's Content-Security-Policy, shared by index.html, the Electron protocol and the browser-mode
 * host so the three cannot drift. No remote code, no eval, no inline script; images only from our own
 * origin (the media routes) or data:/blob: URLs the page made itself (previews of dropped files).
 * Framing is refused by X-Frame-Options and Electron's own window rules, since <meta> CSP cannot.
 */
export const contentSecurityPolicy = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');
