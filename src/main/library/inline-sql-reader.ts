import type Database from 'better-sqlite3';
import { listCollections } from './collections.ts';
import { asReadable } from './db-handles.ts';
import { createFileStore } from './file-store.ts';
import { checkIntegrity } from './integrity.ts';
import { listImages } from './library-query.ts';
import type { SqlOp, SqlOps } from './sql-ops.ts';
import type { SqlReader } from './sql-reader.ts';

/**
 * The SQL worker's operations run on the library's own connection, for a library opened on a full
 * disk: there the worker's read-only connection can neither create its shared-memory file nor read
 * past the exclusive lock that opening without one takes (see recovery/library-open.ts).
 */
export function createInlineSqlReader(db: Database.Database): SqlReader {
  const readable = asReadable(db);
  const ops: {
    [K in SqlOp]: (input: SqlOps[K]['input']) => SqlOps[K]['result'] | Promise<SqlOps[K]['result']>;
  } = {
    list: (query) => listImages(readable, query),
    collections: () => listCollections(readable),
    integrity: ({ imagesDir, now }) => checkIntegrity(readable, createFileStore(imagesDir), now),
    // On one connection SQLite's own automatic checkpoint does this: nothing to move elsewhere.
    checkpoint: () => ({ walPages: 0, copied: 0 }),
  };
  return {
    ready: true,
    run: async (op, input) => (ops[op] as (input: unknown) => unknown)(input) as never,
    close: async () => undefined,
  };
}
