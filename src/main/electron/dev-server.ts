/**
 * electron-vite's dev server (`npm run dev`) is the one place the app trusts a URL from outside. It is
 * read here and nowhere else, and only in an unpackaged app: a packaged build started with
 * ELECTRON_RENDERER_URL set must not load, navigate to, or take IPC from whatever that names.
 * Only plain http on a loopback host passes, as electron-vite serves it.
 */
export function rendererDevUrl(
  app: { isPackaged: boolean },
  env: NodeJS.ProcessEnv = process.env,
): string | null {
  if (app.isPackaged) return null;
  const raw = env.ELECTRON_RENDERER_URL?.trim();
  if (!raw) return null;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return null;
  }
  const loopback = url.hostname === 'localhost' || url.hostname === '127.0.0.1' || url.hostname === '[::1]';
  return url.protocol === 'http:' && loopback ? raw : null;
}
