import fs from 'node:fs';
import path from 'node:path';
import type Database from 'better-sqlite3';
import { AppError } from '../../shared/rpc.ts';
import { createFileStore } from '../library/file-store.ts';
import type { Library } from '../library/library.ts';
import { createThumbnails, thumbnailSizes, type ThumbnailKind } from '../library/thumbnails.ts';
import { isDiskFull } from './storage-errors.ts';

/**
 * Emptying the trash on a full disk. The usual order (rows first, then files) cannot work: deleting
 * rows appends to the WAL, which needs the space the files hold. So the files that only trashed images
 * use go first (reads and unlinks need no space), then the rows. If the rows still cannot be written,
 * the images stay in the trash without their files: the user asked for them to go, and the next
 * "Empty trash", with space freed, finishes the job.
 */
export async function emptyTrashFilesFirst(
  db: Database.Database,
  library: Library,
  dataDir: string,
  ids?: string[],
): Promise<{ removed: number; filesRemoved: number }> {
  const store = createFileStore(path.join(dataDir, 'images'));
  const thumbnails = createThumbnails(path.join(dataDir, 'thumbnails'));
  const selection = ids === undefined ? null : JSON.stringify(ids);
  // Blobs every referencing row of which is going: no live image, no other trashed image kept, no source.
  const doomed = db
    .prepare<[{ ids: string | null }], string>(
      `SELECT DISTINCT t.sha256 FROM images t
       WHERE t.trashed_at IS NOT NULL AND (@ids IS NULL OR t.id IN (SELECT value FROM json_each(@ids)))
         AND NOT EXISTS (
           SELECT 1 FROM images o WHERE o.sha256 = t.sha256
             AND (o.trashed_at IS NULL OR (@ids IS NOT NULL AND o.id NOT IN (SELECT value FROM json_each(@ids)))))
         AND NOT EXISTS (SELECT 1 FROM blobs b WHERE b.sha256 = t.sha256)`,
    )
    .pluck()
    .all({ ids: selection });
  let filesRemoved = 0;
  let bytesFreed = 0;
  for (const sha256 of doomed) {
    const files = [
      store.pathFor(sha256),
      ...(Object.keys(thumbnailSizes) as ThumbnailKind[]).map((kind) => thumbnails.pathFor(sha256, kind)),
    ];
    for (const [i, file] of files.entries()) {
      const size = fs.statSync(file, { throwIfNoEntry: false })?.size;
      if (size === undefined) continue;
      fs.rmSync(file, { force: true });
      bytesFreed += size;
      if (i === 0) filesRemoved++;
    }
  }
  try {
    const { removed } = await library.emptyTrash(ids);
    return { removed, filesRemoved };
  } catch (error) {
    if (!isDiskFull(error, dataDir)) throw error;
    throw new AppError(
      'unavailable',
      `Freed ${formatMegabytes(bytesFreed)} by removing the files of ${filesRemoved} trashed image(s), but the disk is still too full to update the library. Free more space, then empty the trash again.`,
    );
  }
}

function formatMegabytes(bytes: number): string {
  return bytes < 1024 * 1024
    ? `${Math.max(1, Math.round(bytes / 1024))} KB`
    : `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
