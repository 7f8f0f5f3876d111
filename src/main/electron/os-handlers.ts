import { clipboard, ClipboardItem, nativeImage, shell, type BrowserWindow } from 'electron';
import type { osApi } from '../../shared/api/os.ts';
import { AppError } from '../../shared/rpc.ts';
import type { Library } from '../library/library.ts';
import type { HandlerMap } from '../rpc/handler-map.ts';

/** The OS side of the library: every action takes image ids and resolves files itself, never paths. */
export function createElectronOsHandlers(
  library: Library,
  dataDir: string,
  getWindow: () => BrowserWindow | null,
): HandlerMap<typeof osApi> {
  return {
    'os:revealImage': async ({ id }) => {
      shell.showItemInFolder((await library.fileFor(id, 'original')).path);
      return { ok: true };
    },
    'os:revealDataDir': async () => {
      const error = await shell.openPath(dataDir);
      if (error) throw new AppError('unavailable', `Could not open the data folder: ${error}`);
      return { ok: true };
    },
    'os:copyImage': async ({ id }) => {
      const image = nativeImage.createFromPath((await library.fileFor(id, 'original')).path);
      if (image.isEmpty())
        throw new AppError('unsupported_file', 'This image could not be read for the clipboard.');
      await clipboard.write([
        new ClipboardItem({ 'image/png': new Blob([image.toPNG()], { type: 'image/png' }) }),
      ]);
      return { ok: true };
    },
    'os:startDrag': async ({ ids }) => {
      const window = getWindow();
      if (!window) throw new AppError('unavailable', 'No window to drag from.');
      const files = await Promise.all(ids.map(async (id) => (await library.fileFor(id, 'original')).path));
      const icon = (await library.fileFor(ids[0]!, 'thumb')).path;
      window.webContents.startDrag({ file: files[0]!, files, icon: nativeImage.createFromPath(icon) });
      return { ok: true };
    },
    'os:openExternal': async ({ url }) => {
      await shell.openExternal(url);
      return { ok: true };
    },
  };
}
