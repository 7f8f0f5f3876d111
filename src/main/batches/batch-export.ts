import { stringify } from 'csv-stringify/sync';
import { downloadNameOf } from '../../shared/download-name.ts';
import { getModel, seedParamOf, type ModelParams } from '../../shared/models/index.ts';
import type { BatchRow, BatchStore, ImageFileRow } from './batch-store.ts';

const PAGE = 500;

/** A parameter's value as a cell: text as it is, lists and objects as their JSON (a file reads them back). */
function cell(value: unknown): string {
  if (value === undefined || value === null) return '';
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/**
 * A batch as CSV, one line per image (a job that made none, failed or canceled, keeps one line with
 * its state): the row or cell it came from, a column per parameter of the batch, then the image's file
 * name as an export names it, its seed, what its request cost and the text check's verdict (empty
 * until the text check runs on it). Read a page of items at a time.
 */
export function csvOfBatch(store: BatchStore, batch: BatchRow): { fileName: string; text: string } {
  // The seed has its own column: the one each image was made with.
  const seedName = seedParamOf(getModel(batch.model))?.name ?? 'seed';
  const params = (JSON.parse(batch.params) as string[]).filter((name) => name !== seedName);
  const header = [
    batch.origin === 'file' ? 'row' : 'cell',
    ...params,
    'state',
    'file_name',
    'seed',
    'cost_usd',
    'text_check',
  ];
  const parts = [stringify([header])];
  for (let offset = 0; ; offset += PAGE) {
    const items = store.items(batch.id, offset, PAGE);
    if (items.length === 0) break;
    const images = new Map<string, ImageFileRow[]>();
    for (const image of store.imagesOf(items.map((item) => item.job_id))) {
      images.set(image.job_id, [...(images.get(image.job_id) ?? []), image]);
    }
    const lines: string[][] = [];
    for (const item of items) {
      const values = JSON.parse(item.params) as ModelParams;
      const front = [String(item.item), ...params.map((name) => cell(values[name])), item.state];
      const made = images.get(item.job_id) ?? [];
      // A request's cost is shared by the images it made.
      const cost =
        item.booked_usd === null
          ? ''
          : String(Math.round((item.booked_usd / Math.max(1, made.length)) * 1e6) / 1e6);
      if (made.length === 0) lines.push([...front, '', cell(values[seedName]), cost, '']);
      for (const image of made) {
        lines.push([
          ...front,
          downloadNameOf({
            id: image.id,
            prompt: image.prompt,
            createdAt: image.created_at,
            format: image.format,
          }),
          cell(image.seed ?? values[seedName]),
          cost,
          '',
        ]);
      }
    }
    parts.push(stringify(lines));
  }
  const slug =
    batch.name
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 60) || 'batch';
  return { fileName: `${slug}.csv`, text: parts.join('') };
}
