import type { Migration } from './types.ts';

/**
 * The trashed images by pk, so a search can ask "is this match in the trash?" one row at a time,
 * stopping with its page. It used to exclude the trash with `NOT IN (every trashed pk)`, built anew
 * for every keystroke: 2.3 ms at 10,000 trashed images and O(trash size). A partial index holds
 * only the trash (1 % of a 1M library built it in 0.3 s) and costs nothing on inserts.
 */
export const m013: Migration = {
  version: 13,
  name: 'trash-by-pk',
  up(db) {
    // trashed_at rides along: the planner counts an index as covering only if it holds every column
    // the query names, and the lookup names trashed_at (as in migration 006).
    db.exec('CREATE INDEX images_trashed_pk ON images (pk, trashed_at) WHERE trashed_at IS NOT NULL');
  },
};
