import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { syncDir, writeFileAtomic } from './atomic-write.ts';

export interface StoredFile {
  sha256: string;
  path: string;
  bytes: number;
}

export interface FileStore {
  readonly root: string;
  /** Stores bytes under their sha256; storing the same bytes again writes nothing. */
  put(bytes: Uint8Array, sha256?: string): Promise<StoredFile>;
  /**
   * Takes over a finished, fsynced file (a download) by renaming it into place: no second copy.
   * The file must be on the same disk, so temp files live in the data folder.
   */
  adopt(file: string, sha256: string): Promise<StoredFile>;
  pathFor(sha256: string): string;
  has(sha256: string): Promise<boolean>;
  /** True when a file was removed. */
  remove(sha256: string): Promise<boolean>;
}

const SHA256 = /^[0-9a-f]{64}$/;

export function sha256Of(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * 256 folders by the first byte of the hash, as git does: about 400 files each at 100,000 images,
 * which every file system lists quickly. A second level was measured too: at that size it makes
 * tens of thousands of near-empty folders, and creating them doubled the time to store a file here.
 */
export function shardedPath(root: string, sha256: string, suffix = ''): string {
  if (!SHA256.test(sha256)) throw new Error(`not a sha256 digest: ${sha256.slice(0, 80)}`);
  return path.join(root, sha256.slice(0, 2), sha256 + suffix);
}

export function createFileStore(rootDir: string): FileStore {
  const root = path.resolve(rootDir);
  const pathFor = (sha256: string) => shardedPath(root, sha256);

  async function sizeOf(file: string): Promise<number | null> {
    try {
      return (await fs.stat(file)).size;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
  }

  return {
    root,
    pathFor,
    async put(bytes, knownSha256) {
      const sha256 = knownSha256 ?? sha256Of(bytes);
      const file = pathFor(sha256);
      // Same name means same content; a size mismatch can only be damage from outside, so heal it.
      if ((await sizeOf(file)) !== bytes.byteLength) await writeFileAtomic(file, bytes);
      return { sha256, path: file, bytes: bytes.byteLength };
    },
    async adopt(source, sha256) {
      const file = pathFor(sha256);
      const size = (await fs.stat(source)).size;
      if ((await sizeOf(file)) === size) {
        await fs.rm(source, { force: true });
      } else {
        await fs.mkdir(path.dirname(file), { recursive: true });
        await fs.rename(source, file);
        await syncDir(path.dirname(file));
      }
      return { sha256, path: file, bytes: size };
    },
    async has(sha256) {
      return (await sizeOf(pathFor(sha256))) !== null;
    },
    async remove(sha256) {
      try {
        await fs.unlink(pathFor(sha256));
        return true;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
        throw error;
      }
    },
  };
}
