import { appOrigin } from './app-request-handler.ts';

export interface SenderFacts {
  /** The webContents id the message came from. */
  contentsId: number;
  /** The URL of the frame that sent it, or null when the frame is gone. */
  frameUrl: string | null;
  isMainFrame: boolean;
}

/**
 * Only our own window's main frame, showing our own origin, may call main. An iframe, a frame that
 * navigated elsewhere, or any other webContents is refused before its payload is even parsed.
 * `devServerUrl` is electron-vite's dev server, trusted only when the app was started by `npm run dev`.
 */
export function isTrustedSender(
  facts: SenderFacts,
  trustedIds: ReadonlySet<number>,
  devServerUrl?: string,
): boolean {
  if (!trustedIds.has(facts.contentsId) || !facts.isMainFrame || !facts.frameUrl) return false;
  let url: URL;
  try {
    url = new URL(facts.frameUrl);
  } catch {
    return false;
  }
  if (url.protocol === 'studio:' && url.host === 'app') return facts.frameUrl.startsWith(`${appOrigin}/`);
  return !!devServerUrl && url.origin === new URL(devServerUrl).origin;
}
