import { join } from 'node:path';
import type { osApi } from '../../shared/api/os.ts';
import { AppError } from '../../shared/rpc.ts';
import type { Library } from '../library/library.ts';
import type { HandlerMap } from '../rpc/handler-map.ts';

function desktopOnly(): never {
  throw new AppError(
    'unavailable',
    'This needs the desktop app: browser mode cannot reach your file manager or clipboard.',
  );
}

function movedToTransfers(): never {
  throw new AppError(
    'unavailable',
    'In browser mode a backup downloads and a restore uploads: use Back up… and Restore… in Settings.',
  );
}

/**
 * Browser mode serves a page that may be on another machine's screen: it never opens OS windows.
 * Exports, which need a destination, go into the data folder and the answer says where; backups and
 * restores are the host's download and upload routes, not calls.
 */
export function createWebOsHandlers(library: Library, dataDir: string): HandlerMap<typeof osApi> {
  const stamp = () => new Date().toISOString().replace(/[:.]/g, '-');
  return {
    'os:revealImage': desktopOnly,
    'os:revealDataDir': desktopOnly,
    'os:copyImage': desktopOnly,
    'os:startDrag': desktopOnly,
    // The page downloads the original itself (an <a download> on its media URL).
    'os:saveImage': desktopOnly,
    'os:openImage': desktopOnly,
    // The page uploads chosen files itself (library:importFiles).
    'os:importImages': desktopOnly,
    // The page reads a chosen table file itself (batches:read) and downloads the CSV (batches:exportCsv).
    'os:openBatchFile': desktopOnly,
    'os:saveBatchCsv': desktopOnly,
    'os:exportImages': ({ ids, all, as }) => {
      const name = `ideogram-studio-export-${stamp()}`;
      const which = all ? library.allIds() : (ids ?? []);
      return library.export(which, join(dataDir, 'exports', as === 'zip' ? `${name}.zip` : name), as);
    },
    'os:backupLibrary': movedToTransfers,
    'os:restoreLibrary': movedToTransfers,
  };
}
