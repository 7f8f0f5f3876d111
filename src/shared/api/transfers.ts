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
  'library:importFiles': libraryLimits.maxImageBytes,
  'library:addSource': libraryLimits.maxSourceBytes,
} as const;
export type UploadMethod = keyof typeof uploadLimits;

export function uploadRoute(method: UploadMethod, name: string): string {
  return `/upload/${method}?name=${encodeURIComponent(name)}`;
}

export const restoreUploadRoute = '/upload/restore';
export const backupDownloadRoute = '/download/backup';

export const RestoreResult = z.object({
  restored: z.number().int(),
  files: z.number().int(),
  /** The library as it was before the restore, a database copy inside the data folder (relative name). */
  keptAside: z.string(),
});
export type RestoreResult = z.infer<typeof RestoreResult>;
