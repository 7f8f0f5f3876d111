/**
 * The SQL worker: a thread with its own read-only connection to the library file (WAL lets it read
 * while main writes), so queries that can take more than a few milliseconds at a million images run
 * here instead of on the loop that serves the page and runs jobs. Plain Node: the same file runs in
 * Electron's main process, browser mode and tests.
 */
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { AppError } from '../../shared/rpc.ts';
import { listCollections } from './collections.ts';
import { asReadable } from './db-handles.ts';
import { createFileStore } from './file-store.ts';
import { checkIntegrity } from './integrity.ts';
import { listImages } from './library-query.ts';
import type { SqlOp, SqlOps, SqlReply, SqlRequest, SqlWorkerData } from './sql-ops.ts';
import { lowerThreadPriority } from '../thread-priority.ts';
import { errorCode } from '../recovery/storage-errors.ts';

const { file, background } = workerData as SqlWorkerData;
if (background) lowerThreadPriority();
const db = asReadable(new Database(file, { readonly: true, fileMustExist: true }));
// Main holds the write lock only for a transaction's commit; a reader rarely has to wait at all.
db.pragma('busy_timeout = 5000');

// Checkpoints (wal-checkpoints.ts) need write access to the file, which the read-only connection
// lacks: a second connection does only that, for one checkpoint (opening it is a fraction of a ms),
// so no writable connection outlives main's. PASSIVE copies what no reader still needs and never
// waits, so neither main's commits nor this thread's reads are held.
function checkpoint(): SqlOps['checkpoint']['result'] {
  const checkpointer = new Database(file, { fileMustExist: true });
  try {
    const [row] = checkpointer.pragma('wal_checkpoint(PASSIVE)') as { log: number; checkpointed: number }[];
    return { walPages: Math.max(0, row?.log ?? 0), copied: Math.max(0, row?.checkpointed ?? 0) };
  } finally {
    checkpointer.close();
  }
}

const ops: {
  [K in SqlOp]: (input: SqlOps[K]['input']) => SqlOps[K]['result'] | Promise<SqlOps[K]['result']>;
} = {
  list: (query) => listImages(db, query),
  collections: () => listCollections(db),
  integrity: ({ imagesDir, now }) => checkIntegrity(db, createFileStore(imagesDir), now),
  checkpoint,
};

const port = parentPort!;
port.postMessage({ ready: true } satisfies SqlReply);
port.on('message', async (request: SqlRequest) => {
  let reply: SqlReply;
  try {
    const run = ops[request.op] as (input: unknown) => unknown;
    reply = { id: request.id, ok: true, value: await run(request.input) };
  } catch (error) {
    reply =
      error instanceof AppError
        ? {
            id: request.id,
            ok: false,
            error: { code: error.code, message: error.message, issues: error.issues },
          }
        : {
            id: request.id,
            ok: false,
            error: {
              message: (error as Error)?.message ?? String(error),
              stack: (error as Error)?.stack,
              // SQLite's code (SQLITE_FULL, ...): main tells a full disk from a bug by it.
              systemCode: errorCode(error) || undefined,
            },
          };
  }
  port.postMessage(reply);
});
