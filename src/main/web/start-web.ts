import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import Conf from 'conf';
import { createAppServices } from '../app-services.ts';
import { durationModels, isDurationModelName } from '../simulator/index.ts';
import { createSessionKeyStore } from '../settings/key-store.ts';
import { createSettingsStore, settingsFileName } from '../settings/settings-store.ts';
import { defaultDataDir } from '../settings/data-dir.ts';
import { createWebOsHandlers } from './web-os-handlers.ts';
import { startWebHost } from './web-host.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

const usage = `Usage: npm run start:web -- [--port N] [--data-dir DIR] [--sim-time-scale X] [--sim-durations NAME]
  --port N             port on 127.0.0.1 (0 = any free port; default 5174)
  --data-dir DIR       library folder (default: the desktop app's, ${defaultDataDir()})
  --sim-time-scale X   simulator speed in demo mode (1 = as slow as Segmind, 0.05 = 20x faster)
  --sim-durations NAME the simulator's queue waits and spread: ${Object.keys(durationModels).join(', ')} (default realistic)`;

/** Browser mode: the desktop app's main-process services in plain Node, served to a real browser. */
async function main(): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        port: { type: 'string', default: '5174' },
        'data-dir': { type: 'string' },
        'sim-time-scale': { type: 'string', default: '1' },
        'sim-durations': { type: 'string', default: 'realistic' },
        help: { type: 'boolean', default: false },
      },
    }));
  } catch (error) {
    console.error(`${(error as Error).message}\n${usage}`);
    process.exit(2);
  }
  if (values.help) {
    console.log(usage);
    return;
  }
  const port = Number(values.port);
  const timeScale = Number(values['sim-time-scale']);
  const durations = values['sim-durations'];
  if (
    !Number.isInteger(port) ||
    port < 0 ||
    port > 65_535 ||
    !(timeScale > 0) ||
    !isDurationModelName(durations)
  ) {
    console.error(usage);
    process.exit(2);
  }
  const staticDir = join(root, 'out', 'renderer');
  try {
    readFileSync(join(staticDir, 'index.html'));
  } catch {
    console.error(
      'The renderer is not built: run `npm run build` first (npm run start:web does it for you).',
    );
    process.exit(1);
  }
  const dataDir = resolve(values['data-dir'] ?? defaultDataDir());
  const version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string })
    .version;
  const services = await createAppServices({
    dataDir,
    settings: createSettingsStore(new Conf({ cwd: dataDir, configName: settingsFileName })),
    // Browser mode has no OS keychain: a key entered here lasts for this run only (SEGMIND_API_KEY works too).
    keyStore: createSessionKeyStore(),
    transport: 'web',
    version,
    simulatorTimeScale: timeScale,
    simulatorDurations: durationModels[durations],
    osHandlers: (library) => createWebOsHandlers(library, dataDir),
  });
  const host = await startWebHost({
    dispatch: services.dispatch,
    bus: services.bus,
    staticDir,
    resolveMedia: services.resolveMedia,
    port,
  });
  console.log(`Ideogram Studio (browser mode, ${services.info().mode}) data: ${dataDir}`);
  console.log(`Open ${host.openUrl}`);

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await host.close();
    await services.close();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

await main();
