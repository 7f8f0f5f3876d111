import type { Logger } from './logger.ts';

/**
 * Puts what would otherwise only reach a terminal nobody is watching (an exception nothing caught)
 * into the log file, where support and the user look. `exit`: browser mode ends as Node would have;
 * the desktop app keeps Electron's own handling after logging.
 */
export function logCrashes(logger: Logger, options: { exit: boolean }): () => void {
  const onException = (error: unknown) => {
    logger.error('[crash] uncaught exception:', error);
    if (options.exit) process.exit(1);
  };
  const onRejection = (reason: unknown) => {
    logger.error('[crash] unhandled promise rejection:', reason);
    if (options.exit) process.exit(1);
  };
  process.on('uncaughtException', onException);
  process.on('unhandledRejection', onRejection);
  return () => {
    process.off('uncaughtException', onException);
    process.off('unhandledRejection', onRejection);
  };
}
