import { app, session, shell } from 'electron';
import { appOrigin } from '../protocol/app-request-handler.ts';

/**
 * Renderer lockdown for every web contents the app ever creates: no navigation away from the app,
 * no new windows (http(s) links go to the user's browser), no webviews, no permission prompts.
 */
export function setupSecurity(): void {
  const devServerUrl = process.env.ELECTRON_RENDERER_URL;
  const isAppUrl = (url: string) =>
    url.startsWith(`${appOrigin}/`) || (!!devServerUrl && url.startsWith(devServerUrl));
  app.on('web-contents-created', (_event, contents) => {
    contents.on('will-navigate', (event, url) => {
      if (!isAppUrl(url)) event.preventDefault();
    });
    contents.on('will-redirect', (event, url) => {
      if (!isAppUrl(url)) event.preventDefault();
    });
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.setWindowOpenHandler(({ url }) => {
      if (/^https?:\/\//i.test(url)) void shell.openExternal(url);
      return { action: 'deny' };
    });
  });
  app.whenReady().then(() => {
    session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
    session.defaultSession.setPermissionCheckHandler(() => false);
  });
}
