import { Worker } from 'node:worker_threads';
import { AppError, ErrorCode } from '../../shared/rpc.ts';
import type { SqlOp, SqlOps, SqlReply, SqlRequest, SqlWorkerData } from './sql-ops.ts';

export interface SqlReader {
  /** False until the thread has loaded and opened its connection (and again after it died). */
  readonly ready: boolean;
  run<K extends SqlOp>(op: K, input: SqlOps[K]['input']): Promise<SqlOps[K]['result']>;
  /** Ends the thread; calls still waiting are refused. */
  close(): Promise<void>;
}

/**
 * Run from source (tests, browser mode: Node strips the types) the worker is the .ts beside this file;
 * in the Electron build it is the sql-worker.js chunk electron-vite writes next to main's index.js.
 */
const workerUrl = import.meta.url.endsWith('.ts')
  ? new URL('./sql-worker.ts', import.meta.url)
  : new URL('./sql-worker.js', import.meta.url);

/**
 * A worker thread with its own read-only connection, chosen over Electron's utilityProcess because it
 * is plain Node (runs in tests and browser mode too), starts in ~100 ms, and structured-clones a page
 * of summaries without a serialisation step; better-sqlite3 supports one connection per thread. The
 * thread starts at once, so it is ready before the page asks for its first page, and is restarted
 * on the next call if it ever dies.
 */
export function createSqlReader(file: string, options: { background?: boolean } = {}): SqlReader {
  let worker: Worker | null = null;
  let ready = false;
  let closed = false;
  let nextId = 1;
  const pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();

  function failAll(error: Error): void {
    for (const waiter of pending.values()) waiter.reject(error);
    pending.clear();
  }

  function start(): Worker {
    const thread = new Worker(workerUrl, {
      workerData: { file, background: options.background } satisfies SqlWorkerData,
    });
    // The reader must never keep a finished process (a test, a closing app) alive.
    thread.unref();
    thread.on('message', (reply: SqlReply) => {
      if ('ready' in reply) {
        ready = worker === thread;
        return;
      }
      const waiter = pending.get(reply.id);
      if (!waiter) return;
      pending.delete(reply.id);
      if (reply.ok) waiter.resolve(reply.value);
      else {
        const code = ErrorCode.safeParse(reply.error.code);
        const error = code.success
          ? new AppError(code.data, reply.error.message, reply.error.issues)
          : Object.assign(new Error(reply.error.message), {
              stack: reply.error.stack,
              ...(reply.error.systemCode && { code: reply.error.systemCode }),
            });
        waiter.reject(error);
      }
    });
    thread.on('error', (error) => {
      if (worker === thread) [worker, ready] = [null, false];
      failAll(error);
    });
    thread.on('exit', () => {
      if (worker === thread) [worker, ready] = [null, false];
      failAll(new AppError('unavailable', 'The library reader stopped; try again.'));
    });
    return thread;
  }
  worker = start();

  return {
    get ready() {
      return ready;
    },
    run(op, input) {
      if (closed) return Promise.reject(new AppError('unavailable', 'The library is closed.'));
      worker ??= start();
      const id = nextId++;
      const thread = worker;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
        if (pending.size === 1) thread.ref();
        thread.postMessage({ id, op, input } satisfies SqlRequest);
      }).finally(() => {
        if (pending.size === 0) thread.unref();
      }) as Promise<SqlOps[typeof op]['result']>;
    },
    async close() {
      closed = true;
      const thread = worker;
      worker = null;
      if (thread) await thread.terminate();
      failAll(new AppError('unavailable', 'The library is closed.'));
    },
  };
}
