import {
  backupDownloadRoute,
  restoreUploadRoute,
  type RestoreResult,
} from '../../../shared/api/transfers.ts';
import { StudioError, httpBridge } from './api.ts';

/** Long enough to click, short enough that a link found later in history is dead. */
const backupLinkSeconds = 120;

function browserOnly() {
  if (!httpBridge)
    throw new Error('Backups download only in browser mode; the desktop app asks where to save.');
  return httpBridge;
}

/**
 * Starts the download of a backup zip (the database and every image), streamed by the host as it is
 * made. A download link cannot carry the token header, so it is a signed URL that works once.
 */
export function downloadBackup(): void {
  const bridge = browserOnly();
  const link = document.createElement('a');
  const nonce = Array.from(crypto.getRandomValues(new Uint8Array(12)), (byte) =>
    byte.toString(16).padStart(2, '0'),
  ).join('');
  link.href = bridge.signedUrl(backupDownloadRoute(nonce), bridge.nowSeconds() + backupLinkSeconds);
  link.download = '';
  link.click();
}

/** Sends a backup zip to the host, which checks it whole before it merges anything in. */
export async function uploadBackup(file: File): Promise<RestoreResult> {
  const envelope = await browserOnly().post<RestoreResult>(
    restoreUploadRoute,
    file,
    'application/octet-stream',
  );
  if (!envelope.ok) throw new StudioError(envelope.error.code, envelope.error.message, envelope.error.issues);
  return envelope.value;
}
