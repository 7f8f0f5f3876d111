import Conf from 'conf';
import { memoryLogger } from '../../logging/logger.ts';
import { createSessionKeyStore } from '../../settings/key-store.ts';
import { durationModels } from '../../simulator/index.ts';
import { settingsFileName } from '../../settings/settings-store.ts';
import { createWebOsHandlers } from '../../web/web-os-handlers.ts';
import { startStudioRuntime, type StudioRuntime, type StudioRuntimeOptions } from '../studio-runtime.ts';

/** A runtime as browser mode builds it, on `dataDir`, with the simulator and an in-memory log. */
export async function startTestRuntime(
  dataDir: string,
  overrides: Partial<StudioRuntimeOptions> = {},
): Promise<
  StudioRuntime & { quits: () => number; call: (method: string, input?: unknown) => Promise<unknown> }
> {
  let quits = 0;
  const runtime = await startStudioRuntime({
    dataDir,
    kind: 'browser',
    version: 'test',
    openSettings: () => new Conf({ cwd: dataDir, configName: settingsFileName }),
    keyStore: createSessionKeyStore(),
    transport: 'web',
    env: {},
    simulatorTimeScale: 0.01,
    // The tight world the other engine tests pin: no queue waits or cold starts to wait out.
    simulatorDurations: durationModels.tight,
    osHandlers: (library) => createWebOsHandlers(library, dataDir),
    quit: () => quits++,
    logger: memoryLogger(),
    ...overrides,
  });
  return Object.assign(runtime, {
    quits: () => quits,
    /** One RPC through the runtime's dispatch; resolves to the value or the error envelope. */
    async call(method: string, input?: unknown) {
      const envelope = await runtime.dispatch(method, input, { transport: 'test' });
      return envelope.ok ? envelope.value : envelope;
    },
  });
}
