import { m001 } from './001-library.ts';
import { m002 } from './002-jobs.ts';
import { m003 } from './003-library-order.ts';
import { m004 } from './004-search-columns.ts';
import { m005 } from './005-ledger.ts';
import { m006 } from './006-library-counters.ts';
import { m007 } from './007-text-check.ts';
import { m008 } from './008-lineage.ts';
import { m009 } from './009-duration-samples.ts';
import { m010 } from './010-batches.ts';
import { m011 } from './011-until-right.ts';
import { m012 } from './012-batch-insert.ts';
import { m013 } from './013-trash-by-pk.ts';
import { m014 } from './014-cut-off-sends.ts';
import { m015 } from './015-trash-search.ts';
import type { Migration } from './types.ts';

export type { Migration } from './types.ts';

/** Every schema version the app knows, in order. Append one line per new migration file. */
// prettier-ignore
export const migrations: Migration[] = [
  m001,
  m002,
  m003,
  m004,
  m005,
  m006,
  m007,
  m008,
  m009,
  m010,
  m011,
  m012,
  m013,
  m014,
  m015,
];
