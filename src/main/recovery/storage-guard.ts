import type { MethodDef } from '../../shared/rpc.ts';
import { AppError } from '../../shared/rpc.ts';
import type { HandlerMap } from '../rpc/handler-map.ts';
import { diskFullMessage, isCorruption, isDiskFull } from './storage-errors.ts';

export interface StorageGuardOptions {
  dataDir: string;
  /** A write failed for want of space: the app shows the read-only banner and watches for space. */
  onDiskFull(error: unknown): void;
  /** The database file itself failed to read: the app goes to the recovery screen. */
  onCorruption(error: unknown): void;
}

/**
 * Every handler, wrapped so a full disk or a damaged file reaches the user as what it is (and where),
 * instead of the dispatcher's "Something went wrong". Errors a handler already worded (AppError) and
 * every other failure pass through unchanged.
 */
export function guardStorage<A extends Record<string, MethodDef>>(
  handlers: HandlerMap<A>,
  options: StorageGuardOptions,
): HandlerMap<A> {
  const guarded: Record<string, unknown> = {};
  for (const [method, handler] of Object.entries(handlers) as [string, (...args: unknown[]) => unknown][]) {
    guarded[method] = async (...args: unknown[]) => {
      try {
        return await handler(...args);
      } catch (error) {
        if (error instanceof AppError) throw error;
        if (isDiskFull(error, options.dataDir)) {
          options.onDiskFull(error);
          throw new AppError('unavailable', diskFullMessage(options.dataDir));
        }
        if (isCorruption(error)) {
          options.onCorruption(error);
          throw new AppError(
            'unavailable',
            'The library file is damaged, so the app stopped using it: the recovery screen says what can be done.',
          );
        }
        throw error;
      }
    };
  }
  return guarded as HandlerMap<A>;
}
