import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { platform } from 'node:os';
import type Database from 'better-sqlite3';
import { perMinuteOf, type AppInfo, type Settings } from '../shared/api/app.ts';
import type { Job } from '../shared/api/jobs.ts';
import type { IntegrityReport } from '../shared/api/library.ts';
import { createBatchService, type BatchService } from './batches/batch-service.ts';
import { createBatchHandlers } from './batches/handlers.ts';
import type { RateLimitSetting } from './jobs/request-budget.ts';
import type { osApi } from '../shared/api/os.ts';
import type { recoveryApi } from '../shared/api/recovery.ts';
import { createAppHandlers } from './app-handlers.ts';
import { createJobEngine, type JobEngine } from './jobs/job-engine.ts';
import { createJobHandlers } from './jobs/handlers.ts';
import { openDatabase } from './library/database.ts';
import { createLibraryHandlers } from './library/handlers.ts';
import { createLineageHandlers } from './library/lineage-handlers.ts';
import { createFileLogger, type Logger } from './logging/logger.ts';
import { createLibrary, type Library } from './library/library.ts';
import { resolveMediaRequest } from './library/media-route.ts';
import { methods, type Methods } from '../shared/contract.ts';
import type { HandlerMap } from './rpc/handler-map.ts';
import { createDispatcher, type Dispatch } from './rpc/dispatcher.ts';
import { createEventBus, type EventBus } from './rpc/event-bus.ts';
import { createSegmindClient, SegmindError, type SegmindClient } from './segmind/index.ts';
import { createKeyManager, type KeyManager, type KeyStore } from './settings/key-store.ts';
import type { SettingsStore } from './settings/settings-store.ts';
import { lowerImageThreadsPriority } from './thread-priority.ts';
import { emptyTrashFilesFirst } from './recovery/disk-full-trash.ts';
import { openStudioRecoveryHandlers } from './recovery/recovery-handlers.ts';
import { guardStorage } from './recovery/storage-guard.ts';
import { durationModels, startSimulator, type DurationModel, type Simulator } from './simulator/index.ts';
import { simulatorTextFaults, startTextCheck, type TextCheckService } from './text-check/start-text-check.ts';
import { setupUntilRight } from './text-check/start-until-right.ts';
import type { MediaFile } from './web/web-host.ts';
import { setupSpend } from './spend/setup-spend.ts';
import { schedulePurge } from './library/trash-purge-schedule.ts';

export const defaultApiOrigin = 'https://api.segmind.com';

/** The plan's limit from Settings, as the engine's request budget takes it. */
function rateLimitOf(settings: Settings): RateLimitSetting {
  return { perMinute: perMinuteOf(settings.rateLimit), pollsCount: settings.rateLimit.pollsCount };
}

/** How long after start the trash retention purge begins (see below). */
const trashPurgeDelayMs = 5_000;

/**
 * Budgets for the calls that make main decode, copy or spend: a page in a loop (or a hostile one)
 * gets 'rate_limited' instead of a frozen app or a queue of paid jobs.
 */
const rateLimits = {
  // Browser mode sends one file per call (the desktop app up to 20): room for a folder's worth.
  'library:importFiles': { burst: 60, perSecond: 30 },
  'library:addSource': { burst: 20, perSecond: 5 },
  'library:checkIntegrity': { burst: 3, perSecond: 0.5 },
  'os:exportImages': { burst: 5, perSecond: 1 },
  'os:importImages': { burst: 5, perSecond: 1 },
  'os:backupLibrary': { burst: 2, perSecond: 0.2 },
  'os:restoreLibrary': { burst: 2, perSecond: 0.2 },
  'jobs:create': { burst: 50, perSecond: 10 },
  'jobs:variations': { burst: 10, perSecond: 2 },
  'key:test': { burst: 3, perSecond: 0.5 },
  // Each reads or queues a whole file: a page in a loop must not hold main on parsing.
  'batches:read': { burst: 5, perSecond: 1 },
  'batches:check': { burst: 10, perSecond: 4 },
  'batches:startFile': { burst: 3, perSecond: 0.5 },
  'batches:startMatrix': { burst: 5, perSecond: 1 },
  'batches:exportCsv': { burst: 5, perSecond: 1 },
  'os:openBatchFile': { burst: 5, perSecond: 1 },
  'os:saveBatchCsv': { burst: 5, perSecond: 1 },
  // Each one asks Segmind: a page in a loop must not turn into a stream of calls to the balance route.
  'balance:refresh': { burst: 5, perSecond: 0.5 },
  'textCheck:run': { burst: 10, perSecond: 2 },
};

export interface AppServicesOptions {
  dataDir: string;
  settings: SettingsStore;
  keyStore: KeyStore;
  transport: AppInfo['transport'];
  version: string;
  env?: NodeJS.ProcessEnv;
  /** Simulator speed in demo mode: 1 is as slow as Segmind's pages say, tests use far less. */
  simulatorTimeScale?: number;
  /** The demo's queue waits and spread; tests pin `tight` so their timing is predictable. */
  simulatorDurations?: DurationModel;
  /** The OS's online state (Electron's net.isOnline); without it the engine learns from errors alone. */
  network?: { isOnline(): boolean; onChange(listener: () => void): () => void };
  /** Reveal, copy, drag out: the Electron adapters, or browser mode's refusals. */
  osHandlers: (library: Library, batches: BatchService) => HandlerMap<typeof osApi>;
  /** Defaults to the rotating file in the data folder, echoed to the console. */
  logger?: Logger;
  /** The library, already opened and checked (studio-runtime.ts); opened here when absent (tests). */
  db?: Database.Database;
  /**
   * 'full': the library was opened on a full disk. Nothing that writes starts on its own (no job
   * recovery, no integrity check), and emptying the trash frees the files before it touches the rows.
   */
  storage?: 'ok' | 'full';
  /** The bus the transports listen on; outlives these services when the runtime restarts them. */
  bus?: EventBus;
  /** The recovery methods while the studio is open (the runtime's); a stand-in answers otherwise. */
  recoveryHandlers?: HandlerMap<typeof recoveryApi>;
  onDiskFull?(error: unknown): void;
  onCorruption?(error: unknown): void;
  /** The background check's verdict: the runtime sends a damaged library to the recovery screen. */
  onIntegrityReport?(report: IntegrityReport): void;
}

export interface AppServices {
  dispatch: Dispatch;
  bus: EventBus;
  library: Library;
  engine: JobEngine;
  textCheck: TextCheckService;
  batches: BatchService;
  keys: KeyManager;
  logger: Logger;
  info(): AppInfo;
  resolveMedia(path: string): Promise<MediaFile>;
  close(): Promise<void>;
}

/**
 * Builds every main-process service from plain parts. Electron and browser mode both call this, so the
 * desktop app and the tested browser app run the same code behind the same contract.
 */
export async function createAppServices(options: AppServicesOptions): Promise<AppServices> {
  const env = options.env ?? process.env;
  const userAgent = `IdeogramStudio/${options.version}`;
  mkdirSync(options.dataDir, { recursive: true });
  const keys = createKeyManager(options.keyStore, env.SEGMIND_API_KEY);
  const logger =
    options.logger ??
    createFileLogger({
      dir: options.dataDir,
      secrets: () => [keys.current(), env.SEGMIND_API_KEY],
      echo: true,
    });
  const db = options.db ?? openDatabase(join(options.dataDir, 'library.sqlite3'));
  const storage = options.storage ?? 'ok';
  const diskFull = (error: unknown) => {
    logger.warn('[storage] the disk is full:', error);
    options.onDiskFull?.(error);
  };
  const library = createLibrary({
    db,
    dataDir: options.dataDir,
    inlineReads: storage === 'full',
    onDiskFull: diskFull,
  });
  const bus = options.bus ?? createEventBus(logger);
  const textCheck = startTextCheck({
    db,
    library,
    logger,
    emit: (check) => bus.emit('textCheck:changed', check),
  });
  const liveOrigin = (env.SEGMIND_BASE_URL?.trim() || defaultApiOrigin).replace(/\/+$/, '');

  let simulator: Simulator | null = null;
  async function stopSimulator(): Promise<void> {
    await simulator?.close();
    simulator = null;
  }
  let client: SegmindClient | null = null;
  let mode: AppInfo['mode'] = 'simulator';
  // Money (src/main/spend/): budgets for the engine, the balance and spend totals for the page.
  let account: { baseUrl: string; apiKey: string; userAgent: string; simulated: boolean } | null = null;
  const spend = setupSpend({
    db,
    bus,
    settings: () => options.settings.get(),
    logger,
    account: () => account,
  });

  const clientFor = (baseUrl: string, apiKey: string, timeoutMs?: number) =>
    spend.tap(
      createSegmindClient({
        baseUrl,
        apiKey,
        userAgent,
        timeoutMs,
        resolveLocalImage: (sha) => library.readBlob(sha),
      }),
    );

  const engine = createJobEngine({
    db,
    library,
    getClient: () => client,
    emit: (event, payload) => bus.emit(event, payload),
    maxInFlight: options.settings.get().concurrency,
    network: options.network,
    logger,
    maySubmit: spend.maySubmit,
    rateLimit: rateLimitOf(options.settings.get()),
  });
  const batches = createBatchService({
    db,
    engine,
    prices: spend.prices,
    createCollection: (name) => library.createCollection(name),
    emit: (summary) => bus.emit('batches:changed', summary),
    logger,
  });
  const untilRight = setupUntilRight({
    db,
    engine,
    checks: textCheck.service,
    bus,
    budgetRefusal: spend.budgetRefusal,
    logger,
  });
  const stopBatchEvents = bus.subscribe((event, payload) => {
    if (event === 'jobs:changed') batches.jobChanged(payload as Job);
    else if (event === 'queue:status') batches.queueChanged();
  });

  function info(): AppInfo {
    return {
      name: 'Ideogram Studio',
      version: options.version,
      mode,
      apiOrigin: mode === 'live' ? liveOrigin : 'built-in simulator',
      dataDir: options.dataDir,
      transport: options.transport,
      platform: platform(),
    };
  }

  // Switching between live and simulator is serialised: a key set twice quickly must not start two
  // simulators. A failed switch is logged and the chain goes on, so the next key change still works.
  let switching: Promise<void> = Promise.resolve();
  function connect(): Promise<void> {
    const step = switching.then(async () => {
      const key = keys.current();
      const useSimulator = !key || options.settings.get().simulator === 'always';
      if (useSimulator) {
        simulator ??= await startSimulator({
          timeScale: options.simulatorTimeScale ?? 1,
          durations: options.simulatorDurations ?? durationModels.realistic,
          textFaults: simulatorTextFaults(env),
        });
        client = clientFor(simulator.url, 'demo-key');
        account = { baseUrl: simulator.url, apiKey: 'demo-key', userAgent, simulated: true };
        mode = 'simulator';
      } else {
        client = clientFor(liveOrigin, key);
        account = { baseUrl: liveOrigin, apiKey: key, userAgent, simulated: false };
        mode = 'live';
        await stopSimulator();
      }
      engine.clientChanged();
      spend.connectionChanged();
      bus.emit('app:info', info());
    });
    switching = step.catch((error: unknown) =>
      logger.error('[app] could not switch Segmind connection:', error),
    );
    return step;
  }

  async function testKey(): Promise<{ ok: boolean; message: string }> {
    const key = keys.current();
    if (!key) return { ok: false, message: 'No key is set.' };
    const probe = clientFor(liveOrigin, key, 15_000);
    try {
      // Segmind has no "who am I" call; an unknown request id answers 404 to a valid key and 401 otherwise.
      await probe.status(`${liveOrigin}/v2/requests/00000000-0000-0000-0000-000000000000/status`);
      return { ok: true, message: 'Segmind accepted the key.' };
    } catch (error) {
      if (error instanceof SegmindError) {
        if (error.kind === 'not_found') return { ok: true, message: 'Segmind accepted the key.' };
        if (error.kind === 'unauthorized') return { ok: false, message: 'Segmind refused this key (401).' };
        if (error.kind === 'network' || error.kind === 'timeout') {
          return { ok: false, message: `Could not reach ${liveOrigin}: check the network.` };
        }
        return { ok: false, message: `Segmind answered: ${error.message}` };
      }
      throw error;
    }
  }

  const handlers: HandlerMap<Methods> = guardStorage(
    {
      ...createAppHandlers({
        info,
        settings: options.settings,
        keys,
        // The failure is logged by connect(); the key or setting change itself has been saved.
        onConnectionChanged: () => void connect().catch(() => undefined),
        onSettingsChanged: (settings: Settings) => {
          engine.setMaxInFlight(settings.concurrency);
          engine.setRateLimit(rateLimitOf(settings));
          batches.queueChanged();
          engine.budgetChanged();
          spend.settingsChanged();
          bus.emit('settings:changed', settings);
        },
        testKey,
      }),
      ...createJobHandlers(engine, untilRight.service),
      ...createBatchHandlers(batches),
      ...createLibraryHandlers(library),
      ...createLineageHandlers(library),
      ...(storage === 'full'
        ? { 'library:emptyTrash': (input) => emptyTrashFilesFirst(db, library, options.dataDir, input?.ids) }
        : {}),
      ...options.osHandlers(library, batches),
      ...spend.handlers,
      ...textCheck.handlers,
      ...untilRight.handlers,
      ...(options.recoveryHandlers ?? openStudioRecoveryHandlers(options.dataDir, logger)),
    },
    {
      dataDir: options.dataDir,
      onDiskFull: diskFull,
      onCorruption: (error) => {
        logger.error('[storage] the library file is damaged:', error);
        options.onCorruption?.(error);
      },
    },
  );

  const stopLibraryEvents = library.onChange((change) => bus.emit('library:changed', change));
  try {
    await connect();
    // On a full disk, job recovery would fail at its first write: the runtime restarts these services
    // once space is back, and that start recovers the jobs.
    if (storage === 'ok') {
      batches.start();
      engine.start();
      untilRight.service.start();
    }
  } catch (error) {
    // Nothing half-started may outlive a failed start: the caller may try again on the same folder.
    stopLibraryEvents();
    stopBatchEvents();
    untilRight.dispose();
    batches.dispose();
    await engine.stop().catch(() => undefined);
    await textCheck.close();
    await stopSimulator();
    await library.close();
    if (!options.db) db.close();
    throw error;
  }
  // Thumbnails and imports decode on pool threads: at a lower priority they never keep main waiting.
  const stopImageThreads = lowerImageThreadsPriority();
  // quick_check and a look for every original, on a thread of its own (9 s at 1M images): the page
  // can ask for the same report (library:checkIntegrity) to show what is missing.
  const integrity =
    storage === 'ok'
      ? library.checkIntegrity().then(
          (report) => {
            if (report.database.length > 0 || report.missingCount > 0) {
              logger.warn(
                `[library] integrity: ${report.database.length} database problem(s), ${report.missingCount} image(s) missing their file`,
              );
            }
            options.onIntegrityReport?.(report);
          },
          (error: unknown) => logger.error('[library] integrity check failed:', error),
        )
      : Promise.resolve();
  const { trashDays } = options.settings.get();
  // Not on a full disk: deleting rows needs room there, and the user empties the trash by hand.
  // A few seconds in, after the first page, and after the integrity check (schedulePurge says why):
  // sliced, it never holds the loop, but 10,000 old images at a million are still seconds of work
  // that would compete with the start.
  const stopPurge =
    trashDays > 0 && storage === 'ok'
      ? schedulePurge(
          () =>
            void library.purgeTrash(trashDays).then(
              ({ removed }) =>
                removed > 0 &&
                logger.info(`[library] ${removed} image(s) over ${trashDays} days in the trash deleted`),
              (error: unknown) => logger.error('[library] emptying the old trash failed:', error),
            ),
          { delayMs: trashPurgeDelayMs, after: integrity },
        )
      : () => undefined;

  return {
    dispatch: createDispatcher(methods, handlers, {
      rateLimits,
      logFile: logger.file,
      logError: (method, error) => logger.error(`[rpc] ${method} failed:`, error),
    }),
    bus,
    library,
    engine,
    textCheck: textCheck.service,
    batches,
    keys,
    logger,
    info,
    resolveMedia: (path) => resolveMediaRequest(library, path),
    async close() {
      stopPurge();
      stopImageThreads();
      stopLibraryEvents();
      stopBatchEvents();
      untilRight.dispose();
      batches.dispose();
      spend.dispose();
      await switching;
      await engine.stop();
      await textCheck.close();
      await stopSimulator();
      await library.close();
      db.close();
    },
  };
}
