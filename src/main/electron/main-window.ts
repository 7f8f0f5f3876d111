import { BrowserWindow, screen } from 'electron';
import type Conf from 'conf';
import { setupContextMenu } from './context-menu.ts';
import { mainWindowOptions, rendererEntryUrl } from './window-options.ts';

interface Bounds {
  x?: number;
  y?: number;
  width: number;
  height: number;
  maximized?: boolean;
}

const defaultBounds: Bounds = { width: 1360, height: 880 };

/** Saved bounds are only reused while they still land on a connected display. */
function restoredBounds(store: Conf<Record<string, unknown>> | null): Bounds {
  const saved = store?.get('windowBounds') as Bounds | undefined;
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

/**
 * `store` keeps the window's place between runs; null while the data folder is not ours (another
 * process holds it), when the window opens at its default size and remembers nothing.
 */
export function createMainWindow(
  store: Conf<Record<string, unknown>> | null,
  preloadPath: string,
  devServerUrl: string | null,
): BrowserWindow {
  const bounds = restoredBounds(store);
  const window = new BrowserWindow(mainWindowOptions(bounds, preloadPath));
  if (bounds.maximized) window.maximize();
  window.once('ready-to-show', () => window.show());
  setupContextMenu(window);
  const save = () => {
    if (window.isDestroyed() || !store) return;
    try {
      store.set('windowBounds', { ...window.getNormalBounds(), maximized: window.isMaximized() });
    } catch {
      // A full disk: the window opens where it did before, nothing else is lost.
    }
  };
  window.on('close', save);
  void window.loadURL(rendererEntryUrl(devServerUrl));
  return window;
}
