import { CsvError, parse, type Options } from 'csv-parse';
import { batchLimits } from '../../shared/api/batches.ts';
import { AppError } from '../../shared/rpc.ts';

export type TableFormat = 'csv' | 'tsv' | 'json';

/**
 * A file as rows of cell text under its headers. `cells` holds every row once (the draft keeps it
 * and nothing else copies it); `firstRow` is the number the first of them is shown with: 2 for CSV
 * and TSV, where the header is a spreadsheet's row 1, and 1 for a JSON file's first item.
 */
export interface Table {
  format: TableFormat;
  headers: string[];
  cells: string[][];
  firstRow: number;
}

/** The word a message uses for a row: a spreadsheet's "Row 18", a JSON list's "Item 17". */
export function rowWord(format: TableFormat): 'Row' | 'Item' {
  return format === 'json' ? 'Item' : 'Row';
}

function formatOf(name: string, text: string): TableFormat {
  const lower = name.toLowerCase();
  if (lower.endsWith('.json')) return 'json';
  if (lower.endsWith('.tsv') || lower.endsWith('.tab')) return 'tsv';
  if (lower.endsWith('.csv')) return 'csv';
  const start = text.trimStart()[0];
  if (start === '[' || start === '{') return 'json';
  const firstLine = text.slice(0, text.indexOf('\n') >>> 0);
  return (firstLine.match(/\t/g)?.length ?? 0) > (firstLine.match(/,/g)?.length ?? 0) ? 'tsv' : 'csv';
}

function tooBig(rows: number, columns: number): void {
  if (rows > batchLimits.maxRows) {
    throw new AppError(
      'too_large',
      `The file has ${rows.toLocaleString('en-US')} rows; a batch takes up to ${batchLimits.maxRows.toLocaleString('en-US')}. Split it into several files.`,
    );
  }
  if (columns > batchLimits.maxColumns) {
    throw new AppError(
      'too_large',
      `The file has ${columns} columns; a batch reads up to ${batchLimits.maxColumns}. Remove the ones no parameter needs.`,
    );
  }
}

/** Bytes parsed between two turns of main's loop: a few milliseconds of work. */
const PARSE_CHUNK = 64 * 1024;

/**
 * csv-parse's stream, fed a chunk a turn: the sync parser held main for a second on a 50,000-row
 * file (bench:batch), and every call from the page waited behind it.
 */
async function recordsOf(text: string, options: Options): Promise<string[][]> {
  const parser = parse(options);
  const records: string[][] = [];
  let failure: unknown = null;
  parser.on('data', (record: string[]) => records.push(record));
  parser.on('error', (error) => (failure ??= error));
  const ended = new Promise<void>((resolve) => {
    parser.once('end', resolve);
    parser.once('error', () => resolve());
  });
  const bytes = Buffer.from(text);
  for (let at = 0; at < bytes.length && failure === null; at += PARSE_CHUNK) {
    parser.write(bytes.subarray(at, at + PARSE_CHUNK));
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  parser.end();
  await ended;
  if (failure !== null) throw failure;
  return records;
}

async function delimited(text: string, format: 'csv' | 'tsv'): Promise<Table> {
  let records: string[][];
  try {
    records = await recordsOf(text, {
      bom: true,
      delimiter: format === 'tsv' ? '\t' : ',',
      // Empty lines are kept (and skipped later) so that row numbers stay the spreadsheet's.
      skip_empty_lines: false,
      relax_column_count: true,
      // A TSV has no quoting convention worth trusting: "5" inches stay as typed.
      quote: format === 'tsv' ? false : '"',
    });
  } catch (error) {
    if (error instanceof CsvError) {
      const line = typeof error.lines === 'number' ? ` (near line ${error.lines})` : '';
      throw new AppError(
        'validation',
        `The file could not be read as ${format.toUpperCase()}${line}: ${error.message.replace(/^[A-Za-z ]+: /, '')}`,
      );
    }
    throw error;
  }
  const [headers = [], ...cells] = records;
  tooBig(cells.length, headers.length);
  if (headers.every((header) => header.trim() === '')) {
    throw new AppError('validation', 'The first row of the file is empty: it must name the columns.');
  }
  return { format, headers: headers.map((header) => header.trim()), cells, firstRow: 2 };
}

function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  // Lists and objects (a palette, style codes) keep their JSON, which their cell parser reads.
  return JSON.stringify(value);
}

function json(text: string): Table {
  let data: unknown;
  try {
    data = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    throw new AppError('validation', `The file is not valid JSON: ${(error as Error).message}`);
  }
  const list = Array.isArray(data) ? data : (data as { rows?: unknown } | null)?.rows;
  if (!Array.isArray(list)) {
    throw new AppError(
      'validation',
      'A JSON batch must be a list of objects, one per image: [{"prompt": "..."}, ...].',
    );
  }
  const headers: string[] = [];
  const index = new Map<string, number>();
  for (const [i, item] of list.entries()) {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) {
      throw new AppError('validation', `Item ${i + 1} of the list is not an object like {"prompt": "..."}.`);
    }
    for (const key of Object.keys(item)) {
      if (!index.has(key)) {
        index.set(key, headers.length);
        headers.push(key);
      }
    }
  }
  tooBig(list.length, headers.length);
  const cells = list.map((item: Record<string, unknown>) => headers.map((key) => cellText(item[key])));
  return { format: 'json', headers, cells, firstRow: 1 };
}

/** Reads a table file's text; a file that cannot be read says where and why. */
export async function readTable(name: string, text: string): Promise<Table> {
  const format = formatOf(name, text);
  const table = format === 'json' ? json(text) : await delimited(text, format);
  if (table.cells.every((row) => row.every((cell) => cell.trim() === ''))) {
    throw new AppError('validation', 'The file has no rows under its header.');
  }
  return table;
}

/** A row with nothing in it: a spreadsheet's blank line, skipped rather than reported. */
export function isBlankRow(row: readonly string[]): boolean {
  return row.every((cell) => cell.trim() === '');
}
