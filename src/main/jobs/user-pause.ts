import type Database from 'better-sqlite3';

/**
 * The user's "pause the whole queue", kept in the database (migration 010) so that a queue paused
 * before a quit or a crash is still paused when the app opens again, instead of spending at once.
 */
export interface UserPause {
  isPaused(): boolean;
  set(paused: boolean, at: number): void;
}

export function createUserPause(db: Database.Database): UserPause {
  const read = db.prepare('SELECT paused_at FROM queue_pause WHERE id = 1').pluck();
  const write = db.prepare(
    'INSERT INTO queue_pause (id, paused_at) VALUES (1, ?) ON CONFLICT (id) DO NOTHING',
  );
  const clear = db.prepare('DELETE FROM queue_pause WHERE id = 1');
  return {
    isPaused: () => read.get() !== undefined,
    set(paused, at) {
      if (paused) write.run(at);
      else clear.run();
    },
  };
}
