import fs from 'node:fs';
import { platform } from 'node:os';
import path from 'node:path';
import type Conf from 'conf';
import type { AppInfo } from '../../shared/api/app.ts';
import type { LibraryProblem, Notice, RecoveryStatus } from '../../shared/api/recovery.ts';
import { methodNames, methods, type Methods } from '../../shared/contract.ts';
import { AppError } from '../../shared/rpc.ts';
import { createAppServices, type AppServices, type AppServicesOptions } from '../app-services.ts';
import { openDatabase, quickCheck } from '../library/database.ts';
import { createFileLogger, type Logger } from '../logging/logger.ts';
import { createDispatcher, type Dispatch } from '../rpc/dispatcher.ts';
import { createEventBus, type EventBus } from '../rpc/event-bus.ts';
import type { HandlerMap } from '../rpc/handler-map.ts';
import { setAsideUnreadableSettings } from '../settings/settings-file.ts';
import { createSettingsStore, type SettingsStore } from '../settings/settings-store.ts';
import type { MediaFile } from '../web/web-host.ts';
import { createAutoBackups } from './auto-backup.ts';
import { acquireDataLock, DataFolderInUse, type DataLock } from './data-lock.ts';
import {
  describeProblem,
  libraryFileName,
  openLibrary,
  openLibraryOnFullDisk,
  type OpenedLibrary,
} from './library-open.ts';
import { moveAside } from './move-aside.ts';
import { createRecoveryHandlers } from './recovery-handlers.ts';
import { memorySettingsBackend } from './memory-settings.ts';
import { adoptOrphanOriginals, findOrphanOriginals } from './orphan-originals.ts';
import { freeBytes, isDiskFull } from './storage-errors.ts';

type ServiceParts = Pick<
  AppServicesOptions,
  'keyStore' | 'transport' | 'env' | 'simulatorTimeScale' | 'simulatorDurations' | 'network' | 'osHandlers'
>;

export interface StudioRuntimeOptions extends ServiceParts {
  dataDir: string;
  kind: 'desktop' | 'browser';
  version: string;
  /** electron-store or Conf on the data folder; called once unreadable settings are set aside. */
  openSettings(): Conf<Record<string, unknown>>;
  /** What recovery:quit does (after its answer is sent). */
  quit(): void;
  logger?: Logger;
  now?: () => number;
  /** See openLibrary: libraries up to this size are fully checked before the studio opens. */
  fullCheckMaxBytes?: number;
  /** On a full-disk start, the free space at which the library is reopened normally. */
  minFreeBytes?: number;
  /** How often free space is looked at while the disk is full. */
  spaceCheckMs?: number;
  backups?: { keep?: number; everyMs?: number };
}

export interface StudioRuntime {
  dispatch: Dispatch;
  /** Lives as long as the runtime: services come and go beneath it. */
  bus: EventBus;
  logger: Logger;
  status(): RecoveryStatus;
  services(): AppServices | null;
  /** The settings store's backend (window bounds live there too); null until the folder is ours. */
  settingsBackend(): Conf<Record<string, unknown>> | null;
  resolveMedia(path: string): Promise<MediaFile>;
  close(): Promise<void>;
}

/** Methods that stay answerable whatever state the library is in. */
const recoveryMethods = new Set(methodNames.filter((name) => name.startsWith('recovery:')));

/**
 * Owns the life of the studio in one process: the data-folder lock, settings, the library, and the
 * services built on it. Whatever goes wrong at start (a damaged file, another process on the folder,
 * a full disk) leaves the runtime answering the recovery methods, so the page can say what is wrong
 * and offer a way out; nothing it cannot trust is ever written to. Both entry points (Electron and
 * browser mode) hand their transports this runtime's dispatch and bus, which outlive the services.
 */
export async function startStudioRuntime(options: StudioRuntimeOptions): Promise<StudioRuntime> {
  const { dataDir } = options;
  const now = options.now ?? Date.now;
  const libraryFile = path.join(dataDir, libraryFileName);
  let services: AppServices | null = null;
  const logger =
    options.logger ??
    createFileLogger({
      dir: dataDir,
      secrets: () => [services?.keys.current(), (options.env ?? process.env).SEGMIND_API_KEY],
      echo: true,
    });
  const bus = createEventBus(logger);
  const backups = createAutoBackups({ dataDir, logger, now, ...options.backups });
  const notices: Notice[] = [];
  let lock: DataLock | null = null;
  let settings: SettingsStore | null = null;
  let settingsBackend: Conf<Record<string, unknown>> | null = null;
  let problem: LibraryProblem | null = null;
  /** Opened on a full disk: reopened normally once there is room. */
  let degraded = false;
  /** A write failed for want of space (on either kind of open). */
  let diskFull = false;
  let spaceTimer: NodeJS.Timeout | null = null;
  let closed = false;
  /** The open library's connection, for the automatic backup. */
  let currentDb: OpenedLibrary['db'] | null = null;
  /** This library passed the background check: only then may a backup push an older one out. */
  let healthy = false;
  // Daily backups while the app stays open for days; maybeRun decides whether a day has passed.
  const backupTimer = setInterval(() => void backupNow(), 60 * 60 * 1000);
  backupTimer.unref();

  logger.info(
    `[start] Ideogram Studio ${options.version} (${options.kind === 'desktop' ? 'desktop app' : 'browser mode'}, pid ${process.pid}, node ${process.versions.node}${process.versions.electron ? `, electron ${process.versions.electron}` : ''}) data folder ${dataDir}`,
  );

  function status(): RecoveryStatus {
    const listed = problem ? backups.list() : [];
    return {
      // Not `services`: while they restart (space freed) the page stays on the studio; its calls wait.
      state: problem ? 'recovery' : 'studio',
      storage: diskFull || degraded ? 'full' : 'ok',
      problem: problem && {
        ...problem,
        actions: problem.actions.filter((action) => action !== 'restore' || listed.length > 0),
      },
      backups: listed,
      notices: [...notices],
      dataDir,
      logFile: logger.file,
    };
  }

  function changed(): RecoveryStatus {
    const current = status();
    bus.emit('recovery:changed', current);
    return current;
  }

  function notice(tone: Notice['tone'], message: string, action?: Notice['action']): void {
    notices.push({ id: `${now()}-${notices.length}`, tone, message, ...(action ? { action } : {}) });
  }

  /** After a restore or a new library: originals it does not know, offered back. */
  function offerOrphans(why: string): void {
    if (!currentDb) return;
    const count = findOrphanOriginals(currentDb, dataDir).length;
    if (count === 0) return;
    notice(
      'info',
      `${count} original image file${count === 1 ? ' is' : 's are'} in the data folder but not in this library (${why}). They can be added back as imported images.`,
      'adopt_orphans',
    );
  }

  function ensureSettings(): SettingsStore {
    if (settings) return settings;
    const setAside = setAsideUnreadableSettings(dataDir, now());
    if (setAside) {
      logger.warn(
        `[start] settings.json could not be read (${setAside.reason}); kept as ${setAside.keptAs}, using defaults`,
      );
      notice(
        'warning',
        `Your settings file could not be read (${setAside.reason}), so the app started with default settings. The old file is kept as ${path.basename(setAside.keptAs)}.`,
      );
    }
    try {
      settingsBackend = options.openSettings();
    } catch (error) {
      logger.error('[start] the settings file cannot be opened; settings last for this session only:', error);
      notice('warning', `Settings cannot be saved in this session: ${(error as Error).message}`);
      settingsBackend = memorySettingsBackend();
    }
    settings = createSettingsStore(settingsBackend);
    return settings;
  }

  function fail(next: LibraryProblem): void {
    problem = next;
    logger.error(
      `[start] ${next.title}: ${next.message}${next.details.length ? ` (${next.details.join('; ')})` : ''}`,
    );
  }

  /**
   * Lock, settings, library, services: each step that fails leaves a problem for the page. `fresh`:
   * the user chose an empty library, so a missing file is what they asked for.
   */
  async function open({ fresh = false } = {}): Promise<void> {
    problem = null;
    if (!lock) {
      try {
        lock = acquireDataLock(dataDir, {
          kind: options.kind,
          version: options.version,
          now,
          onUnlockable: (error) =>
            logger.warn('[start] the data folder cannot be locked; another process could use it too:', error),
        });
      } catch (error) {
        if (!(error instanceof DataFolderInUse)) throw error;
        fail(describeProblem('in_use', error.message, [], libraryFile, dataDir));
        return;
      }
      backups.removeUnfinished();
    }
    const store = ensureSettings();
    const found = fs.statSync(libraryFile, { throwIfNoEntry: false });
    const created = !found || (found.isFile() && found.size === 0);
    // Gone, yet backed up: someone or something removed it; a silent empty library would hide that.
    if (created && !fresh && backups.list().length > 0) {
      fail(
        describeProblem(
          'missing',
          `${libraryFileName} is not in the data folder any more, but automatic backups of it are. Restore one, or start an empty library.`,
          [],
          libraryFile,
          dataDir,
        ),
      );
      return;
    }
    const started = Date.now();
    const result = openLibrary({ dataDir, fullCheckMaxBytes: options.fullCheckMaxBytes });
    if (!result.ok) {
      fail(result.problem);
      return;
    }
    logger.info(
      `[start] library opened in ${Date.now() - started} ms (${result.library.checked === 'full' ? 'fully checked' : 'probed; full check in the background'}${result.library.storage === 'full' ? ', disk full: read-only' : ''})`,
    );
    await startServices(result.library, store);
    if (created && !fresh) offerOrphans('a new library was made, and these files are from before it');
  }

  async function startServices(opened: OpenedLibrary, store: SettingsStore): Promise<void> {
    degraded = opened.storage === 'full';
    diskFull = false;
    currentDb = opened.db;
    try {
      services = await createAppServices({
        ...pick(options),
        dataDir,
        settings: store,
        version: options.version,
        logger,
        db: opened.db,
        storage: opened.storage,
        bus,
        recoveryHandlers,
        onDiskFull: () => {
          if (diskFull) return;
          diskFull = true;
          watchSpace();
          changed();
        },
        onCorruption: (error) =>
          void damagedWhileOpen([`${(error as { code?: string }).code}: ${(error as Error).message}`]),
        onIntegrityReport: (report) => {
          if (report.database.length > 0) return void damagedWhileOpen(report.database);
          healthy = true;
          void backupNow();
        },
      });
    } catch (error) {
      opened.db.close();
      currentDb = null;
      if (opened.storage === 'ok' && isDiskFull(error, dataDir)) {
        logger.warn('[start] the disk filled up as the studio started; opening the library read-only');
        const again = openLibraryOnFullDisk(dataDir);
        if (again.ok) return startServices(again.library, store);
        return fail(again.problem);
      }
      logger.error('[start] the studio could not start on this library:', error);
      fail(
        describeProblem(
          'unknown',
          `The studio could not start: ${(error as Error).message}`,
          [],
          libraryFile,
          dataDir,
        ),
      );
      return;
    }
    if (degraded) {
      logger.warn('[start] the disk is full: the library is open read-only until space is freed');
      watchSpace();
    }
  }

  function watchSpace(): void {
    if (spaceTimer) return;
    spaceTimer = setInterval(() => void checkSpace(), options.spaceCheckMs ?? 5000);
    spaceTimer.unref();
  }

  /** Enough room again: a degraded open is reopened normally (that start recovers the jobs). */
  async function checkSpace(): Promise<void> {
    if (freeBytes(dataDir) < (options.minFreeBytes ?? 32 * 1024 * 1024)) return;
    clearInterval(spaceTimer!);
    spaceTimer = null;
    if (degraded) {
      logger.info('[storage] space is free again: reopening the library for writing');
      await transition(async () => {
        await stopServices();
        await open();
      });
    } else {
      diskFull = false;
      changed();
    }
  }

  async function stopServices(): Promise<void> {
    const current = services;
    services = null;
    currentDb = null;
    healthy = false;
    degraded = false;
    diskFull = false;
    if (current) await current.close();
  }

  async function damagedWhileOpen(findings: string[]): Promise<void> {
    await transition(async () => {
      if (!services) return;
      await stopServices();
      fail(
        describeProblem(
          'damaged',
          `Parts of ${libraryFileName} turned out to be damaged while the app was using it, so it stopped writing to it. What can still be read is listed below.`,
          findings,
          libraryFile,
          dataDir,
        ),
      );
    });
  }

  async function backupNow(): Promise<void> {
    // Not `services`: a small library's check can finish before createAppServices has returned.
    if (!currentDb || !healthy || degraded || diskFull) return;
    try {
      await backups.maybeRun(currentDb);
    } catch (error) {
      logger.error('[backup] the automatic backup failed:', error);
    }
  }

  let chain: Promise<unknown> = Promise.resolve();
  /** One state change at a time; each ends by telling the page where things stand. */
  function transition(step: () => Promise<void>): Promise<RecoveryStatus> {
    const run = chain.then(step).then(changed);
    chain = run.catch(() => undefined);
    return run;
  }

  function inRecovery(action: string): void {
    if (services) throw new AppError('conflict', `The library is open: there is nothing to ${action}.`);
  }

  const recoveryHandlers = createRecoveryHandlers({
    status,
    restoreBackup: (id) =>
      transition(async () => {
        inRecovery('restore');
        await restoreBackup(id);
        await open();
        offerOrphans('made after the backup, or known only to the damaged library');
      }),
    startFresh: () =>
      transition(async () => {
        inRecovery('start over');
        const keptAs = moveAside(libraryFile, now());
        logger.warn(`[recovery] started an empty library; the old one is kept as ${keptAs}`);
        if (keptAs) {
          notice(
            'info',
            `Started an empty library. The damaged one is kept as ${path.basename(keptAs)}; your original image files are still in the data folder.`,
          );
        }
        await open({ fresh: true });
        offerOrphans('known only to the damaged library');
      }),
    retry: () =>
      transition(async () => {
        if (services) return;
        await open();
      }),
    quit: () => options.quit(),
    async adoptOrphans() {
      if (!services || !currentDb) throw new AppError('unavailable', 'The library is not open.');
      const result = await adoptOrphanOriginals(currentDb, services.library, dataDir);
      logger.info(
        `[recovery] added back ${result.added} original(s) from the data folder; ${result.refused} refused`,
      );
      notices.splice(0, notices.length, ...notices.filter((n) => n.action !== 'adopt_orphans'));
      notice(
        'info',
        `Added ${result.added} image${result.added === 1 ? '' : 's'} back to the library${result.refused ? `; ${result.refused} file(s) could not be read as images` : ''}.`,
      );
      changed();
      return result;
    },
  });

  /** Checks a copy before anything moves: the damaged library goes aside only for a copy that opens. */
  async function restoreBackup(id: string): Promise<void> {
    const source = backups.fileOf(id);
    const staging = `${libraryFile}.restoring`;
    for (const suffix of ['', '-wal', '-shm']) fs.rmSync(staging + suffix, { force: true });
    try {
      // A copy of a large library takes seconds: off the loop, so the window stays responsive.
      await fs.promises.copyFile(source, staging);
      const db = openDatabase(staging);
      try {
        const findings = quickCheck(db);
        if (findings.length > 0) throw new Error(findings.slice(0, 3).join('; '));
      } finally {
        db.close();
      }
    } catch (error) {
      for (const suffix of ['', '-wal', '-shm']) fs.rmSync(staging + suffix, { force: true });
      logger.error(`[recovery] the backup ${id} cannot be restored:`, error);
      throw new AppError('unsupported_file', `That backup cannot be restored: ${(error as Error).message}`);
    }
    const keptAs = moveAside(libraryFile, now());
    fs.renameSync(staging, libraryFile);
    const backup = backups.list().find((b) => b.id === id);
    logger.warn(`[recovery] restored the automatic backup ${id}; the damaged library is kept as ${keptAs}`);
    notice(
      'info',
      `Restored the automatic backup of ${new Date(backup?.createdAt ?? now()).toLocaleString()}${backup?.images === null || backup === undefined ? '' : ` (${backup.images} images)`}. Images made after it are not in the library, but their files are still in the data folder.${keptAs ? ` The damaged library is kept as ${path.basename(keptAs)}.` : ''}`,
    );
  }

  const recoveryDispatch = createDispatcher(
    methods,
    {
      ...unavailableHandlers(() => problem?.title ?? 'The library is not open'),
      'app:info': (): AppInfo => ({
        name: 'Ideogram Studio',
        version: options.version,
        mode: 'simulator',
        apiOrigin: 'none: the library is not open',
        dataDir,
        transport: options.transport,
        platform: platform(),
      }),
      ...recoveryHandlers,
    },
    {
      logFile: logger.file,
      logError: (method, error) => logger.error(`[rpc] ${method} failed:`, error),
      rateLimits: {
        'recovery:restoreBackup': { burst: 2, perSecond: 0.2 },
        'recovery:startFresh': { burst: 2, perSecond: 0.2 },
        'recovery:retry': { burst: 5, perSecond: 1 },
        'recovery:adoptOrphans': { burst: 2, perSecond: 0.2 },
      },
    },
  );

  try {
    fs.mkdirSync(dataDir, { recursive: true });
  } catch (error) {
    logger.error('[start] the data folder cannot be created:', error);
    throw new Error(`The data folder ${dataDir} cannot be created: ${(error as Error).message}`, {
      cause: error,
    });
  }
  await transition(open);

  return {
    async dispatch(method, input, ctx) {
      // Recovery calls are never held up; the others wait out a restart rather than hit closed services.
      if (!recoveryMethods.has(method as never)) await chain;
      return (services?.dispatch ?? recoveryDispatch)(method, input, ctx);
    },
    bus,
    logger,
    status,
    services: () => services,
    settingsBackend: () => settingsBackend,
    async resolveMedia(mediaPath) {
      if (!services) throw new AppError('not_found', 'The library is not open.');
      return services.resolveMedia(mediaPath);
    },
    async close() {
      if (closed) return;
      closed = true;
      if (spaceTimer) clearInterval(spaceTimer);
      clearInterval(backupTimer);
      await backups.stop();
      await chain;
      await stopServices();
      lock?.release();
      logger.info('[stop] closed cleanly');
    },
  };
}

function pick(options: StudioRuntimeOptions): ServiceParts {
  const { keyStore, transport, env, simulatorTimeScale, simulatorDurations, network, osHandlers } = options;
  return { keyStore, transport, env, simulatorTimeScale, simulatorDurations, network, osHandlers };
}

/** Every page method while the library is closed: a clear refusal instead of a crash on a closed db. */
function unavailableHandlers(reason: () => string): HandlerMap<Methods> {
  const refuse = () => {
    throw new AppError('unavailable', `${reason()}: see the recovery screen.`);
  };
  return Object.fromEntries(methodNames.map((name) => [name, refuse])) as unknown as HandlerMap<Methods>;
}
