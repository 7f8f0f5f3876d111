import { acquireDataLock } from '../data-lock.ts';

// A second process for the lock tests: takes the data folder's lock, says so, and holds it until killed.
const dataDir = process.argv[2];
if (!dataDir) throw new Error('usage: hold-lock.ts <data folder>');
acquireDataLock(dataDir, { kind: 'browser', version: 'test' });
process.stdout.write('held\n');
setInterval(() => undefined, 60_000);
