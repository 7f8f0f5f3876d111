import { app, BrowserWindow, dialog, session, shell } from 'electron';
import ElectronStore from 'electron-store';
import { join } from 'node:path';
import { registerAppScheme, setupAppProtocol } from './electron/app-protocol.ts';
import { setupAppMenu } from './electron/app-menu.ts';
import { setupDesktopFeedback } from './electron/desktop-feedback.ts';
import { rendererDevUrl } from './electron/dev-server.ts';
import { setupIpcTransport } from './electron/ipc-transport.ts';
import { createMainWindow } from './electron/main-window.ts';
import { createNetworkMonitor } from './electron/network-monitor.ts';
import { createElectronOsHandlers } from './electron/os-handlers.ts';
import { createSafeStorageKeyStore } from './electron/safe-storage-key-store.ts';
import { setupSecurity } from './electron/security.ts';
import { logCrashes } from './logging/crash-log.ts';
import { startStudioRuntime, type StudioRuntime } from './recovery/studio-runtime.ts';
import { settingsFileName } from './settings/settings-store.ts';

// The Electron shell only: lifecycle, window, protocol, menu. Every service comes from the studio
// runtime, which browser mode and the tests build the same way.

// Read once, here: an installed app ignores it (see rendererDevUrl).
const devServerUrl = rendererDevUrl(app);

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  registerAppScheme();
  const disposers: (() => void)[] = [
    setupSecurity({
      app,
      session: () => session.defaultSession,
      openExternal: (url) => void shell.openExternal(url),
      devServerUrl,
    }),
  ];
  let window: BrowserWindow | null = null;
  let runtime: StudioRuntime | null = null;
  const preload = join(import.meta.dirname, '../preload/index.cjs');

  function openWindow(): void {
    if (!runtime || window) return;
    window = createMainWindow(runtime.settingsBackend(), preload, devServerUrl);
    window.on('closed', () => (window = null));
  }

  app.on('second-instance', () => {
    if (!window) return openWindow();
    if (window.isMinimized()) window.restore();
    window.focus();
  });

  app.whenReady().then(async () => {
    const dataDir = app.getPath('userData');
    try {
      runtime = await startStudioRuntime({
        dataDir,
        kind: 'desktop',
        version: app.getVersion(),
        openSettings: () =>
          new ElectronStore<Record<string, unknown>>({ cwd: dataDir, name: settingsFileName }),
        keyStore: createSafeStorageKeyStore(dataDir),
        transport: 'electron',
        network: createNetworkMonitor(),
        osHandlers: (library, batches) => createElectronOsHandlers(library, batches, dataDir, () => window),
        quit: () => app.quit(),
      });
    } catch (error) {
      // Only a data folder that cannot even be created gets here: every other failure has a screen.
      dialog.showErrorBox(
        'Ideogram Studio could not start',
        `${(error as Error).message}\n\nData folder: ${dataDir}`,
      );
      app.exit(1);
      return;
    }
    const started = runtime;
    disposers.push(logCrashes(started.logger, { exit: false }));
    setupAppProtocol(started.resolveMedia, join(import.meta.dirname, '../renderer'));
    disposers.push(
      setupIpcTransport(
        started.dispatch,
        started.bus,
        () => new Set(window ? [window.webContents.id] : []),
        devServerUrl,
      ),
      setupDesktopFeedback(
        started.bus,
        () => started.services()?.engine ?? null,
        () => window,
      ),
      setupAppMenu(
        { platform: process.platform, isPackaged: app.isPackaged, appName: app.getName() },
        {
          showDataFolder: () => void shell.openPath(dataDir),
          showLog: () => void (started.logger.file && shell.openPath(started.logger.file)),
          openUrl: (url) => void shell.openExternal(url),
          about: () => app.showAboutPanel(),
        },
      ),
    );
    openWindow();
  });

  // macOS keeps an app running with no window; the dock icon brings one back.
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) openWindow();
  });

  // Jobs are persisted at every step, so quitting mid-job is safe; closing cleanly just saves a recovery.
  let closing = false;
  app.on('before-quit', (event) => {
    if (closing || !runtime) return;
    closing = true;
    event.preventDefault();
    for (const dispose of disposers.splice(0).reverse()) dispose();
    void runtime.close().finally(() => app.quit());
  });
}
