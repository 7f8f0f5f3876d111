import { app, BrowserWindow, dialog } from 'electron';
import ElectronStore from 'electron-store';
import { join } from 'node:path';
import { createAppServices, type AppServices } from './app-services.ts';
import { registerAppScheme, setupAppProtocol } from './electron/app-protocol.ts';
import { setupDesktopFeedback } from './electron/desktop-feedback.ts';
import { setupIpcTransport } from './electron/ipc-transport.ts';
import { createMainWindow } from './electron/main-window.ts';
import { createNetworkMonitor } from './electron/network-monitor.ts';
import { createElectronOsHandlers } from './electron/os-handlers.ts';
import { createSafeStorageKeyStore } from './electron/safe-storage-key-store.ts';
import { setupSecurity } from './electron/security.ts';
import { createSettingsStore, settingsFileName } from './settings/settings-store.ts';

// The Electron shell only: lifecycle, window, protocol. Every service comes from createAppServices,
// which browser mode and the tests build the same way.

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  registerAppScheme();
  setupSecurity();
  let window: BrowserWindow | null = null;
  let services: AppServices | null = null;

  app.on('second-instance', () => {
    if (!window) return;
    if (window.isMinimized()) window.restore();
    window.focus();
  });

  app.whenReady().then(async () => {
    const dataDir = app.getPath('userData');
    const store = new ElectronStore<Record<string, unknown>>({ cwd: dataDir, name: settingsFileName });
    try {
      services = await createAppServices({
        dataDir,
        settings: createSettingsStore(store),
        keyStore: createSafeStorageKeyStore(dataDir),
        transport: 'electron',
        version: app.getVersion(),
        network: createNetworkMonitor(),
        osHandlers: (library, batches) => createElectronOsHandlers(library, batches, dataDir, () => window),
      });
    } catch (error) {
      dialog.showErrorBox(
        'Ideogram Studio could not start',
        `${(error as Error).message}\n\nData folder: ${dataDir}`,
      );
      app.exit(1);
      return;
    }
    setupAppProtocol(services, join(import.meta.dirname, '../renderer'));
    setupIpcTransport(services.dispatch, services.bus, () => new Set(window ? [window.webContents.id] : []));
    setupDesktopFeedback(services.bus, services.engine, () => window);
    window = createMainWindow(store, join(import.meta.dirname, '../preload/index.cjs'));
    window.on('closed', () => (window = null));
  });

  app.on('window-all-closed', () => app.quit());

  // Jobs are persisted at every step, so quitting mid-job is safe; closing cleanly just saves a recovery.
  let closing = false;
  app.on('before-quit', (event) => {
    if (closing || !services) return;
    closing = true;
    event.preventDefault();
    void services.close().finally(() => app.quit());
  });
}
