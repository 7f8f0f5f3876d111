import Papa from 'papaparse';
import { batchLimits } from '../../shared/api/batches.ts';
import { AppError } from '../../shared/rpc.ts';
import { tsvRecords } from './tsv-records.ts';

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

/** Rows parsed between two turns of main's loop: a few milliseconds of work. */
const ROWS_PER_TURN = 1_000;

/** A line break as spreadsheets write them: CRLF (Excel), LF, or CR alone (old Mac exports). */
const LINE_BREAK = /\r\n|\r|\n/g;

/** The 1-based line of a character of the text, for a message the user can find in an editor. */
function lineAt(text: string, index: number): number {
  return (text.slice(0, index).match(LINE_BREAK)?.length ?? 0) + 1;
}

function quoteProblem(error: Papa.ParseError): string {
  return error.code === 'MissingQuotes'
    ? 'a quoted cell is never closed (a quote opens it and none ends it)'
    : 'a quoted cell has text after its closing quote (a quote inside a cell is written twice: "")';
}

/**
 * papaparse, a row at a time with a turn of main's loop every ROWS_PER_TURN rows: csv-parse took
 * 16-25 µs a row of a 10,000-row export (bench:batch), papaparse a fifth of that, and a 50,000-row
 * file parsed at once would hold main (and every call from the page) for a few hundred ms. Its cells
 * are slices of the text (no second copy of the file: the draft keeps the text instead of its
 * cells' own strings). The first problem stops the read: a file read on past a broken quote would
 * shift every cell after it into the wrong column.
 */
function csvRecords(body: string): Promise<string[][]> {
  return new Promise((resolve, reject) => {
    const records: string[][] = [];
    // Where the text papaparse is parsing starts: after a pause it goes on from a slice of it.
    let offset = 0;
    let failed = false;
    Papa.parse<string[]>(body, {
      delimiter: ',',
      // Empty lines are kept, and skipped later, so that row numbers stay the spreadsheet's; rows
      // may have fewer or more cells than the header.
      skipEmptyLines: false,
      // The file's first line break is its kind: papaparse's own guess reads the first megabyte again.
      newline: (body.match(/\r\n|\r|\n/)?.[0] ?? '\n') as Papa.ParseConfig['newline'],
      step(results: Papa.ParseStepResult<string[]>, parser: Papa.Parser) {
        const [problem] = results.errors;
        if (problem) {
          failed = true;
          const line = lineAt(body, offset + (problem.index ?? results.meta.cursor));
          reject(
            new AppError(
              'validation',
              `The file could not be read as CSV (near line ${line}): ${quoteProblem(problem)}.`,
            ),
          );
          // After the rejection: abort() calls complete() at once.
          parser.abort();
          return;
        }
        records.push(results.data);
        if (records.length % ROWS_PER_TURN === 0) {
          offset += results.meta.cursor;
          parser.pause();
          setImmediate(() => parser.resume());
        }
      },
      complete() {
        if (failed) return;
        // A last line break ends the last row; it does not start an empty one.
        const last = records.at(-1);
        if (/[\r\n]$/.test(body) && last?.length === 1 && last[0] === '') records.pop();
        resolve(records);
      },
    });
  });
}

async function delimited(text: string, format: 'csv' | 'tsv'): Promise<Table> {
  const body = text.startsWith('\uFEFF') ? text.slice(1) : text;
  // A TSV's quotes are read the way its exporter wrote them (tsv-records.ts): none is ever broken.
  const records = await (format === 'tsv' ? tsvRecords(body, ROWS_PER_TURN) : csvRecords(body));
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
