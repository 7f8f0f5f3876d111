import type { Collection, IntegrityReport, LibraryPage, LibraryQuery } from '../../shared/api/library.ts';
import type { RpcIssue } from '../../shared/rpc.ts';

/** What the SQL worker answers: each operation's input and result, checked on both sides by tsc. */
export interface SqlOps {
  list: { input: LibraryQuery; result: LibraryPage };
  collections: { input: null; result: Collection[] };
  integrity: { input: { imagesDir: string; now: number }; result: IntegrityReport };
  /** Copies main's committed WAL pages into the database file (PASSIVE: never waits on main). */
  checkpoint: { input: null; result: { walPages: number; copied: number } };
}
export type SqlOp = keyof SqlOps;

export interface SqlRequest<K extends SqlOp = SqlOp> {
  id: number;
  op: K;
  input: SqlOps[K]['input'];
}

export type SqlReply =
  /** Sent once, when the connection is open: the thread takes 100-500 ms to load its modules. */
  | { ready: true }
  | { id: number; ok: true; value: unknown }
  | {
      id: number;
      ok: false;
      /**
       * code is set for an AppError, which main throws again as one; anything else is internal, with
       * the library's or the system's own code (SQLITE_FULL, ENOSPC) in `systemCode` when it had one.
       */
      error: { code?: string; message: string; issues?: RpcIssue[]; stack?: string; systemCode?: string };
    };

export interface SqlWorkerData {
  file: string;
  /** Work nobody waits on (the integrity check): the thread lowers its own CPU priority. */
  background?: boolean;
}
