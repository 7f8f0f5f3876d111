import type { BrowserWindowConstructorOptions } from 'electron';
import { appOrigin } from '../protocol/app-request-handler.ts';

/** The page's sandbox: every renderer-side door shut, the preload the only way to main. */
export function mainWindowOptions(
  bounds: { x?: number; y?: number; width: number; height: number },
  preloadPath: string,
): BrowserWindowConstructorOptions {
  return {
    ...bounds,
    minWidth: 900,
    minHeight: 600,
    show: false,
    title: 'Ideogram Studio',
    backgroundColor: '#16171b',
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webviewTag: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      spellcheck: true,
    },
  };
}

/** What the window loads: the app's own origin, or the dev server of an unpackaged `npm run dev`. */
export function rendererEntryUrl(devServerUrl: string | null): string {
  return devServerUrl ?? `${appOrigin}/index.html`;
}
