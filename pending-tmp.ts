import fs from 'node:fs'; import os from 'node:os'; import path from 'node:path';
import Database from './node_modules/better-sqlite3/lib/index.js';
import { seedNoiseLibrary } from '/work/wt/startup/src/main/recovery/test-support/noise-library.ts';
const d = fs.mkdtempSync(path.join(os.tmpdir(), 'pend-'));
await seedNoiseLibrary(d, { images: 4, trashed: 1, seed: 1 });
const db = new Database(path.join(d, 'library.sqlite3'), { readonly: true });
console.log('pending', db.prepare('SELECT count(*) FROM search_terms_pending').pluck().get());
db.close(); fs.rmSync(d, { recursive: true });
