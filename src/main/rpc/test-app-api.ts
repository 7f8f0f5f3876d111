import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Conf from 'conf';
import { appApi } from '../../shared/api/app.ts';
import { createAppHandlers } from '../app-handlers.ts';
import { createKeyManager, createSessionKeyStore } from '../settings/key-store.ts';
import { createSettingsStore, settingsFileName } from '../settings/settings-store.ts';
import { createDispatcher } from './dispatcher.ts';

/**
 * The app feature's real handlers on a real settings file in a temp folder: enough of main for the
 * transport tests, without the job engine or the library.
 */
export function createTestAppDispatch() {
  const dataDir = mkdtempSync(join(tmpdir(), 'studio-rpc-'));
  const settings = createSettingsStore(new Conf({ cwd: dataDir, configName: settingsFileName }));
  const keys = createKeyManager(createSessionKeyStore(), undefined);
  const handlers = createAppHandlers({
    info: () => ({
      name: 'Ideogram Studio',
      version: '0.0.0-test',
      mode: 'simulator',
      apiOrigin: 'built-in simulator',
      dataDir,
      transport: 'web',
      platform: process.platform,
    }),
    settings,
    keys,
    onConnectionChanged: () => {},
    onSettingsChanged: () => {},
    testKey: async () => ({ ok: false, message: 'No key is set.' }),
  });
  return { dataDir, settings, keys, dispatch: createDispatcher(appApi, handlers, { logError: () => {} }) };
}
