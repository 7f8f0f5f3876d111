import type { App, Session, WebContents } from 'electron';
import { appOrigin } from '../protocol/app-request-handler.ts';

export interface SecurityDeps {
  app: Pick<App, 'on' | 'removeListener' | 'whenReady'>;
  /** The default session, once the app is ready (Electron has none before). */
  session: () => Pick<Session, 'setPermissionRequestHandler' | 'setPermissionCheckHandler'>;
  /** Where http(s) links go instead of a new window: the user's browser. */
  openExternal: (url: string) => void;
  /** From rendererDevUrl: null in a packaged app. */
  devServerUrl: string | null;
}

/**
 * Renderer lockdown for every web contents the app ever creates: no navigation away from the app,
 * no new windows (http(s) links go to the user's browser), no webviews, no permission prompts.
 * Returns a disposer, as every setupX() does.
 */
export function setupSecurity(deps: SecurityDeps): () => void {
  const { devServerUrl } = deps;
  const isAppUrl = (url: string) =>
    url.startsWith(`${appOrigin}/`) || (devServerUrl !== null && sameOrigin(url, devServerUrl));
  const onContents = (_event: unknown, contents: WebContents) => {
    contents.on('will-navigate', (event, url) => {
      if (!isAppUrl(url)) event.preventDefault();
    });
    contents.on('will-redirect', (event, url) => {
      if (!isAppUrl(url)) event.preventDefault();
    });
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.setWindowOpenHandler(({ url }) => {
      if (/^https?:\/\//i.test(url)) deps.openExternal(url);
      return { action: 'deny' };
    });
  };
  deps.app.on('web-contents-created', onContents);
  let disposed = false;
  void deps.app.whenReady().then(() => {
    if (disposed) return;
    const session = deps.session();
    session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
    session.setPermissionCheckHandler(() => false);
  });
  return () => {
    disposed = true;
    deps.app.removeListener('web-contents-created', onContents);
  };
}

function sameOrigin(url: string, base: string): boolean {
  try {
    return new URL(url).origin === new URL(base).origin;
  } catch {
    return false;
  }
}
