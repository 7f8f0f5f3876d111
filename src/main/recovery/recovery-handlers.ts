import type { recoveryApi, RecoveryStatus } from '../../shared/api/recovery.ts';
import { AppError } from '../../shared/rpc.ts';
import type { Logger } from '../logging/logger.ts';
import type { HandlerMap } from '../rpc/handler-map.ts';

export interface RecoveryActions {
  status(): RecoveryStatus;
  restoreBackup(id: string): Promise<RecoveryStatus>;
  startFresh(): Promise<RecoveryStatus>;
  retry(): Promise<RecoveryStatus>;
  quit(): void;
  adoptOrphans(): Promise<{ added: number; refused: number }>;
}

export function createRecoveryHandlers(actions: RecoveryActions): HandlerMap<typeof recoveryApi> {
  return {
    'recovery:status': () => actions.status(),
    'recovery:restoreBackup': ({ backup }) => actions.restoreBackup(backup),
    'recovery:startFresh': () => actions.startFresh(),
    'recovery:retry': () => actions.retry(),
    'recovery:quit': () => {
      // After this answer has left: the page learns the app is quitting, not that the host vanished.
      setTimeout(() => actions.quit(), 50);
      return { ok: true as const };
    },
    'recovery:adoptOrphans': () => actions.adoptOrphans(),
  };
}

/** For services built without the runtime (tests, tools): the library is open, nothing to recover. */
export function openStudioRecoveryHandlers(dataDir: string, logger: Logger): HandlerMap<typeof recoveryApi> {
  const status = (): RecoveryStatus => ({
    state: 'studio',
    storage: 'ok',
    problem: null,
    backups: [],
    notices: [],
    dataDir,
    logFile: logger.file,
  });
  const nothingToDo = () => {
    throw new AppError('conflict', 'The library is open: there is nothing to recover.');
  };
  return {
    'recovery:status': status,
    'recovery:restoreBackup': nothingToDo,
    'recovery:startFresh': nothingToDo,
    'recovery:retry': status,
    'recovery:quit': nothingToDo,
    'recovery:adoptOrphans': nothingToDo,
  };
}
