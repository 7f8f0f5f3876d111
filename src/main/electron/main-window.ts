import { BrowserWindow, screen } from 'electron';
import type ElectronStore from 'electron-store';
import { appOrigin } from '../protocol/app-request-handler.ts';

interface Bounds {
  x?: number;
  y?: number;
  width: number;
  height: number;
  maximized?: boolean;
}

const defaultBounds: Bounds = { width: 1360, height: 880 };

/** Saved bounds are only reused while they still land on a connected display. */
function restoredBounds(store: ElectronStore<Record<string, unknown>>): Bounds {
  const saved = store.get('windowBounds') as Bounds | undefined;
  if (!saved || typeof saved.width !== 'number' || typeof saved.height !== 'number') return defaultBounds;
  if (saved.x === undefined || saved.y === undefined) return { ...defaultBounds, ...saved };
  const visible = screen
    .getAllDisplays()
    .some(
      ({ workArea: a }) =>
        saved.x! < a.x + a.width &&
        saved.x! + saved.width > a.x &&
        saved.y! < a.y + a.height &&
        saved.y! + saved.height > a.y,
    );
  return visible ? saved : { width: saved.width, height: saved.height };
}

export function createMainWindow(
  store: ElectronStore<Record<string, unknown>>,
  preloadPath: string,
): BrowserWindow {
  const bounds = restoredBounds(store);
  const window = new BrowserWindow({
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
      webviewTag: false,
      spellcheck: true,
    },
  });
  if (bounds.maximized) window.maximize();
  window.once('ready-to-show', () => window.show());
  const save = () => {
    if (window.isDestroyed()) return;
    store.set('windowBounds', { ...window.getNormalBounds(), maximized: window.isMaximized() });
  };
  window.on('close', save);
  const devUrl = process.env.ELECTRON_RENDERER_URL;
  void window.loadURL(devUrl ?? `${appOrigin}/index.html`);
  return window;
}
