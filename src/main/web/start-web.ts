import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import Conf from 'conf';
import { AppError } from '../../shared/rpc.ts';
import { logCrashes } from '../logging/crash-log.ts';
import { startStudioRuntime, type StudioRuntime } from '../recovery/studio-runtime.ts';
import { durationModels, isDurationModelName } from '../simulator/index.ts';
import { createSessionKeyStore } from '../settings/key-store.ts';
import { settingsFileName } from '../settings/settings-store.ts';
import { defaultDataDir } from '../settings/data-dir.ts';
import { createWebOsHandlers } from './web-os-handlers.ts';
import type { LibraryTransfers } from './transfer-routes.ts';
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
  // Until the host is up there is nothing to close; afterwards stop() closes both, once.
  let stop = async (code: number): Promise<void> => process.exit(code);
  let runtime: StudioRuntime;
  try {
    runtime = await startStudioRuntime({
      dataDir,
      kind: 'browser',
      version,
      openSettings: () => new Conf({ cwd: dataDir, configName: settingsFileName }),
      // Browser mode has no OS keychain: a key entered here lasts for this run only (SEGMIND_API_KEY works too).
      keyStore: createSessionKeyStore(),
      transport: 'web',
      simulatorTimeScale: timeScale,
      simulatorDurations: durationModels[durations],
      osHandlers: (library) => createWebOsHandlers(library, dataDir),
      quit: () => void stop(0),
    });
  } catch (error) {
    console.error(`Ideogram Studio could not start: ${(error as Error).message}`);
    process.exit(1);
  }
  logCrashes(runtime.logger, { exit: true });
  const status = runtime.status();
  if (status.problem?.kind === 'in_use') {
    // Browser mode is started from a terminal: the terminal is where to say it, not a page.
    console.error(status.problem.message);
    await runtime.close();
    process.exit(1);
  }
  const host = await startWebHost({
    dispatch: runtime.dispatch,
    bus: runtime.bus,
    staticDir,
    resolveMedia: runtime.resolveMedia,
    library: currentLibrary(runtime),
    logger: runtime.logger,
    port,
  });
  const mode =
    status.state === 'recovery' ? `recovery: ${status.problem?.title}` : runtime.services()?.info().mode;
  console.log(`Ideogram Studio (browser mode, ${mode}) data: ${dataDir}`);
  if (runtime.logger.file) console.log(`Log: ${runtime.logger.file}`);
  console.log(`Open ${host.openUrl}`);

  const started = runtime;
  let stopping = false;
  stop = async (code) => {
    if (stopping) return;
    stopping = true;
    await host.close();
    await started.close();
    process.exit(code);
  };
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));
}

/**
 * The open library's transfers (backup download, restore upload), whichever services the runtime has
 * now: it restarts them after a recovery or once a full disk has room, and has none on the recovery
 * screen.
 */
function currentLibrary(runtime: StudioRuntime): LibraryTransfers {
  const library = () => {
    const open = runtime.services()?.library;
    if (!open) throw new AppError('unavailable', 'The library is not open: see the recovery screen.');
    return open;
  };
  return {
    backupZip: () => library().backupZip(),
    restoreZip: (file) => library().restoreZip(file),
    tempFile: (name) => library().tempFile(name),
    freeBytes: () => library().freeBytes(),
  };
}

await main();
