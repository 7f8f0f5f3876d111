import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { PassThrough, type Readable } from 'node:stream';
import type Database from 'better-sqlite3';
import yauzl from 'yauzl';
import yazl from 'yazl';
import { libraryLimits } from '../../shared/api/library.ts';
import { AppError } from '../../shared/rpc.ts';
import {
  finishCopy,
  manifestFor,
  manifestName,
  mergeBackup,
  parseManifest,
  validateBackupDatabase,
} from './backup.ts';
import type { FileStore } from './file-store.ts';

/**
 * The backup as one zip, for browser mode, where it downloads and uploads instead of naming folders.
 * Same layout as a backup folder: manifest.json, library.db, files/<aa>/<sha256>.
 */

const stamp = (now: number) => new Date(now).toISOString().replace(/[:.]/g, '-');
const blobEntry = /^files\/([0-9a-f]{2})\/([0-9a-f]{64})$/;
const maxManifestBytes = 64 * 1024;
/** More entries than any library of ours could need (two per image would be a million images). */
const maxEntries = 2_000_001;

export interface BackupZipDeps {
  db: Database.Database;
  store: FileStore;
  /** In the data folder: the database copy waits here while the zip streams. */
  tmpDir: string;
  now: () => number;
}

/**
 * A zip of an online copy of the database (SQLite's backup API: consistent while jobs keep writing)
 * and every original it names, produced as the reader reads it: nothing but the database copy is
 * written to disk, and that copy is removed when the stream ends, fails or is abandoned.
 */
export async function backupZip(deps: BackupZipDeps): Promise<{ name: string; stream: Readable }> {
  await fs.mkdir(deps.tmpDir, { recursive: true });
  const copy = path.join(deps.tmpDir, `backup-${randomBytes(6).toString('hex')}.part`);
  const removeCopy = () => void fs.rm(copy, { force: true });
  try {
    await deps.db.backup(copy);
    const snapshot = finishCopy(copy);
    const zip = new yazl.ZipFile();
    zip.addFile(copy, 'library.db', { compress: true });
    let files = 0;
    for (const sha256 of snapshot.blobs) {
      const file = deps.store.pathFor(sha256);
      // A missing original is already lost (the integrity check says so); the backup saves the rest.
      if (!(await fs.stat(file).catch(() => null))?.isFile()) continue;
      zip.addFile(file, `files/${sha256.slice(0, 2)}/${sha256}`, { compress: false });
      files++;
    }
    // Last, as in a backup folder: a zip cut off mid-download has no manifest and is refused whole.
    zip.addBuffer(
      Buffer.from(JSON.stringify(manifestFor(snapshot, deps.now(), files), null, 2)),
      manifestName,
    );
    zip.end();
    const stream = new PassThrough();
    const output = zip.outputStream as Readable;
    output.on('error', (error) => stream.destroy(error));
    stream.on('close', () => {
      output.unpipe(stream);
      output.destroy();
      removeCopy();
    });
    output.pipe(stream);
    return { name: `ideogram-studio-backup-${stamp(deps.now())}.zip`, stream };
  } catch (error) {
    removeCopy();
    throw error;
  }
}

export interface RestoreZipDeps extends BackupZipDeps {
  /** Where the current database is kept aside before a restore (inside the data folder). */
  keepAsideDir: string;
  dataDir: string;
  freeBytes(): Promise<number>;
}

export interface ZipRestore {
  restored: string[];
  files: number;
  /** The kept-aside database, relative to the data folder. */
  keptAside: string;
}

/**
 * Restores an uploaded backup zip. Checked whole before anything changes: only the names a backup
 * has (no path of the zip's choosing is ever written), a manifest, a database that opens read-only
 * at a schema this app reads and passes quick_check. Then the current database is copied aside and
 * the backup merged in, originals read straight from the zip (each checked against its hash).
 */
export async function restoreZip(deps: RestoreZipDeps, zipFile: string): Promise<ZipRestore> {
  let zip: yauzl.ZipFile;
  try {
    zip = await yauzl.openPromise(zipFile, { lazyEntries: true, autoClose: false, strictFileNames: true });
  } catch (error) {
    throw new AppError('unsupported_file', `That file is not a backup zip: ${(error as Error).message}`);
  }
  const work = path.join(deps.tmpDir, `restore-${randomBytes(6).toString('hex')}.part`);
  try {
    const entries = await readEntries(zip);
    const manifest = entries.get(manifestName);
    const database = entries.get('library.db');
    if (!manifest || !database) {
      throw new AppError(
        'unsupported_file',
        'That zip is not a library backup (it has no manifest.json or library.db).',
      );
    }
    if (manifest.uncompressedSize > maxManifestBytes)
      throw new AppError('unsupported_file', 'The backup manifest is too large.');
    parseManifest((await readEntry(zip, manifest)).toString('utf8'));
    // What the zip says it unpacks to must fit, with room to spare, before a byte of it is written.
    const unpacked = [...entries.values()].reduce((sum, entry) => sum + entry.uncompressedSize, 0);
    const free = await deps.freeBytes();
    if (unpacked * 1.1 > free) {
      throw new AppError(
        'unavailable',
        `Not enough free disk space to restore this backup: it unpacks to ${Math.ceil(unpacked / 1024 / 1024)} MB, the disk has ${Math.floor(free / 1024 / 1024)} MB free.`,
      );
    }
    await fs.mkdir(deps.tmpDir, { recursive: true });
    await fs.writeFile(work, await zip.openReadStreamPromise(database), { flag: 'wx' });
    validateBackupDatabase(work);

    const keptAside = await keepAside(deps);
    const { restored, files } = await mergeBackup(deps.db, deps.store, {
      database: work,
      readBlob: async (sha256) => {
        const entry = entries.get(`files/${sha256.slice(0, 2)}/${sha256}`);
        if (!entry || entry.uncompressedSize > libraryLimits.maxImageBytes) return null;
        return readEntry(zip, entry).catch(() => null);
      },
    });
    return { restored, files, keptAside: path.relative(deps.dataDir, keptAside) };
  } finally {
    zip.close();
    await Promise.all(['', '-wal', '-shm'].map((suffix) => fs.rm(work + suffix, { force: true })));
  }
}

async function readEntries(zip: yauzl.ZipFile): Promise<Map<string, yauzl.Entry>> {
  if (zip.entryCount > maxEntries)
    throw new AppError('too_large', 'That zip has more entries than any backup.');
  const entries = new Map<string, yauzl.Entry>();
  for await (const entry of zip.eachEntry()) {
    const name = entry.fileName;
    if (name.endsWith('/')) continue;
    if (name !== manifestName && name !== 'library.db' && !blobEntry.test(name)) {
      throw new AppError(
        'unsupported_file',
        `That zip is not a library backup: it holds "${name.slice(0, 120)}".`,
      );
    }
    if (entries.has(name)) throw new AppError('unsupported_file', `The backup names "${name}" twice.`);
    entries.set(name, entry);
  }
  return entries;
}

/** yauzl checks that an entry inflates to exactly the size its header states, so a bomb stops early. */
async function readEntry(zip: yauzl.ZipFile, entry: yauzl.Entry): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of await zip.openReadStreamPromise(entry)) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** A consistent copy of the library's database as it is now, so a restore can always be undone. */
async function keepAside(deps: RestoreZipDeps): Promise<string> {
  await fs.mkdir(deps.keepAsideDir, { recursive: true });
  const file = path.join(deps.keepAsideDir, `library-before-restore-${stamp(deps.now())}.sqlite3`);
  await deps.db.backup(file);
  return file;
}
