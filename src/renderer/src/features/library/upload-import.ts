import { libraryLimits } from '../../../../shared/api/library.ts';
import { call } from '../../bridge/api.ts';

/** One line for what an import did, however it came in (a drop, a choice, a dialog). */
export function importSummary(imported: number, duplicates: number, refused: string[]): string {
  const parts = [`Imported ${imported} image${imported === 1 ? '' : 's'}`];
  if (duplicates) parts.push(`${duplicates} already in the library`);
  if (refused.length) parts.push(`refused ${refused.join('; ')}`);
  return `${parts.join(', ')}.`;
}

/**
 * Files dropped or chosen in the page are uploaded and imported, a few per call; an export zip goes
 * alone, being many images in one file.
 */
export async function importFiles(files: File[]): Promise<string> {
  let imported = 0;
  let duplicates = 0;
  const refused: string[] = [];
  const batches: File[][] = [];
  for (const file of files) {
    const last = batches.at(-1);
    const bytes = (last ?? []).reduce((sum, f) => sum + f.size, 0);
    if (
      !last ||
      last.length >= libraryLimits.maxImportFiles ||
      bytes + file.size > libraryLimits.maxImportBatchBytes
    ) {
      batches.push([file]);
    } else last.push(file);
  }
  for (const batch of batches) {
    if (batch.length === 1 && batch[0]!.size > libraryLimits.maxImportBatchBytes) {
      refused.push(`${batch[0]!.name}: larger than ${libraryLimits.maxImportBatchBytes / 1024 / 1024} MB`);
      continue;
    }
    const payload = await Promise.all(
      batch.map(async (file) => ({ name: file.name, bytes: new Uint8Array(await file.arrayBuffer()) })),
    );
    const result = await call('library:importFiles', { files: payload });
    imported += result.imported.length - result.duplicates;
    duplicates += result.duplicates;
    refused.push(...result.refused.map((entry) => `${entry.name}: ${entry.reason}`));
  }
  return importSummary(imported, duplicates, refused);
}
