import {
  clipboard,
  ClipboardItem,
  dialog,
  nativeImage,
  shell,
  type BrowserWindow,
  type OpenDialogOptions,
  type SaveDialogOptions,
} from 'electron';
import { copyFile, readFile, stat, writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { batchLimits } from '../../shared/api/batches.ts';
import type { BatchService } from '../batches/batch-service.ts';
import type { osApi } from '../../shared/api/os.ts';
import { downloadNameOf } from '../../shared/download-name.ts';
import { extensionOf } from '../library/image-format.ts';
import { AppError } from '../../shared/rpc.ts';
import type { Library } from '../library/library.ts';
import type { HandlerMap } from '../rpc/handler-map.ts';

/** The OS side of the library: every action takes image ids and resolves files itself, never paths. */
export function createElectronOsHandlers(
  library: Library,
  batches: BatchService,
  dataDir: string,
  getWindow: () => BrowserWindow | null,
): HandlerMap<typeof osApi> {
  return {
    'os:openBatchFile': async () => {
      const window = getWindow();
      const options: OpenDialogOptions = {
        title: 'Make a batch from a table file',
        buttonLabel: 'Open',
        properties: ['openFile'],
        filters: [{ name: 'Tables', extensions: ['csv', 'tsv', 'tab', 'json', 'txt'] }],
      };
      const answer = window
        ? await dialog.showOpenDialog(window, options)
        : await dialog.showOpenDialog(options);
      const file = answer.canceled ? undefined : answer.filePaths[0];
      if (!file) return { canceled: true as const };
      // Bytes bound the characters from above: a file within the cap in bytes is within it in text.
      if ((await stat(file)).size > batchLimits.maxFileChars) {
        throw new AppError(
          'too_large',
          `${basename(file)} is larger than ${batchLimits.maxFileChars / 1024 / 1024} MB; split it into several files.`,
        );
      }
      return { name: basename(file), text: await readFile(file, 'utf8') };
    },
    'os:saveBatchCsv': async ({ id }) => {
      const csv = batches.exportCsv(id);
      const target = await askSavePath(getWindow(), {
        title: 'Export the batch as CSV',
        defaultPath: csv.fileName,
        filters: [{ name: 'CSV', extensions: ['csv'] }],
      });
      if (!target) return { canceled: true as const };
      await writeFile(target, csv.text, 'utf8');
      return { path: target };
    },
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
    'os:importImages': async () => {
      const window = getWindow();
      const options: OpenDialogOptions = {
        title: 'Import images or an Ideogram Studio export',
        buttonLabel: 'Import',
        properties: ['openFile', 'multiSelections'],
        filters: [{ name: 'Images and export zips', extensions: ['png', 'jpg', 'jpeg', 'webp', 'zip'] }],
      };
      const answer = window
        ? await dialog.showOpenDialog(window, options)
        : await dialog.showOpenDialog(options);
      if (answer.canceled || answer.filePaths.length === 0) return { canceled: true as const };
      const result = await library.importPaths(answer.filePaths);
      return {
        imported: result.imported.length - result.duplicates,
        duplicates: result.duplicates,
        refused: result.refused,
      };
    },
    'os:exportImages': async ({ ids: given, all, as }) => {
      const ids = all ? library.allIds() : (given ?? []);
      const stamp = new Date().toISOString().slice(0, 10);
      const target =
        as === 'zip'
          ? await askSavePath(getWindow(), {
              title: `Export ${ids.length} image(s) as a zip`,
              defaultPath: `ideogram-studio-${stamp}.zip`,
              filters: [{ name: 'Zip archive', extensions: ['zip'] }],
            })
          : await askFolder(getWindow(), {
              title: `Export ${ids.length} image(s) to a folder`,
              buttonLabel: 'Export here',
            });
      if (!target) return { canceled: true as const };
      const result = await library.export(ids, target, as);
      shell.showItemInFolder(result.path);
      return result;
    },
    'os:backupLibrary': async () => {
      const target = await askFolder(getWindow(), {
        title: 'Back up the library into…',
        buttonLabel: 'Back up here',
      });
      if (!target) return { canceled: true as const };
      const result = await library.backup(target);
      shell.showItemInFolder(result.path);
      return result;
    },
    'os:restoreLibrary': async () => {
      const source = await askFolder(getWindow(), {
        title: 'Choose an Ideogram Studio backup folder',
        buttonLabel: 'Restore',
      });
      if (!source) return { canceled: true as const };
      return library.restoreBackup(source);
    },
    'os:saveImage': async ({ id }) => {
      const record = library.get(id);
      const file = await library.fileFor(id, 'original');
      const target = await askSavePath(getWindow(), {
        title: 'Save the original image',
        defaultPath: downloadNameOf(record),
        filters: [
          { name: `${record.format.toUpperCase()} image`, extensions: [extensionOf[record.format].slice(1)] },
        ],
      });
      if (!target) return { canceled: true as const };
      await copyFile(file.path, target);
      return { path: target };
    },
    'os:openImage': async ({ id }) => {
      const error = await shell.openPath((await library.fileFor(id, 'original')).path);
      if (error) throw new AppError('unavailable', `Could not open the image: ${error}`);
      return { ok: true };
    },
  };
}

async function askFolder(window: BrowserWindow | null, options: OpenDialogOptions): Promise<string | null> {
  const properties: OpenDialogOptions['properties'] = ['openDirectory', 'createDirectory'];
  const answer = window
    ? await dialog.showOpenDialog(window, { ...options, properties })
    : await dialog.showOpenDialog({ ...options, properties });
  return answer.canceled ? null : (answer.filePaths[0] ?? null);
}

async function askSavePath(window: BrowserWindow | null, options: SaveDialogOptions): Promise<string | null> {
  const answer = window ? await dialog.showSaveDialog(window, options) : await dialog.showSaveDialog(options);
  return answer.canceled ? null : (answer.filePath ?? null);
}
