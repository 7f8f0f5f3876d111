import { z } from 'zod';
import { libraryLimits } from './library.ts';

/**
 * Browser mode's binary routes, beside the JSON contract: what a page sends or fetches as raw bytes.
 * Uploads carry the token header like every call; the backup download is a signed URL (a download
 * link cannot set headers). The Electron app needs none of this: IPC carries bytes and main opens
 * its own dialogs.
 */

/** Contract methods whose input is one file's bytes: browser mode posts each file raw to their route. */
export const uploadLimits = {
  // An image, or an export zip of many.
  'library:importFiles': libraryLimits.maxImportBatchBytes,
  'library:addSource': libraryLimits.maxSourceBytes,
} as const;
export type UploadMethod = keyof typeof uploadLimits;

export function uploadRoute(method: UploadMethod, name: string): string {
  return `/upload/${method}?name=${encodeURIComponent(name)}`;
}

export const restoreUploadRoute = '/upload/restore';

/**
 * A backup link is good for one download, so each carries a random name of its own (signed with the
 * rest of the path): two clicks in the same second make two links, not one that is spent twice.
 */
export function backupDownloadRoute(nonce: string): string {
  return `/download/backup/${nonce}`;
}
export const backupDownloadPattern = /^\/download\/backup\/[A-Za-z0-9_-]{8,64}$/;

export const RestoreResult = z.object({
  restored: z.number().int(),
  files: z.number().int(),
  /** The library as it was before the restore, a database copy inside the data folder (relative name). */
  keptAside: z.string(),
});
export type RestoreResult = z.infer<typeof RestoreResult>;
