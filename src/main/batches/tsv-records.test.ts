import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../simulator/seeded-random.ts';
import { tsvRecords } from './tsv-records.ts';

const read = (text: string) => tsvRecords(text, 1_000);

/** A cell the way Excel and LibreOffice save it: quoted, quotes doubled, only when it needs it. */
const excelCell = (cell: string) => (/["\t\r\n]/.test(cell) ? `"${cell.replaceAll('"', '""')}"` : cell);

describe('TSV rows as spreadsheets write them', () => {
  it("reads Excel's quoted cells: doubled quotes, tabs and line breaks inside a cell", async () => {
    const text =
      'prompt\tstyle_type\r\n' +
      '"A poster that says ""SALE"""\tDESIGN\r\n' +
      '"SUMMER\nSALE"\tAUTO\r\n' +
      '"two\tcolumns"\t"""quoted"""\r\n';
    expect(await read(text)).toEqual([
      ['prompt', 'style_type'],
      ['A poster that says "SALE"', 'DESIGN'],
      ['SUMMER\nSALE', 'AUTO'],
      ['two\tcolumns', '"quoted"'],
    ]);
  });

  it('keeps quotes as typed where no exporter put them: an Ideogram prompt quotes the words to render', async () => {
    const text = 'prompt\tnote\n"SALE"\tx\nA "5" inch badge\t"5" inches\n"wide\tx\n"OPEN" now\t"""\n';
    expect(await read(text)).toEqual([
      ['prompt', 'note'],
      ['"SALE"', 'x'],
      ['A "5" inch badge', '"5" inches'],
      ['"wide', 'x'],
      ['"OPEN" now', '"""'],
    ]);
  });

  it('keeps empty lines as rows, ends at the last line break, and takes CR and CRLF breaks', async () => {
    expect(await read('a\tb\n\nc\td\n')).toEqual([['a', 'b'], [''], ['c', 'd']]);
    expect(await read('a\tb\r\nc\t')).toEqual([
      ['a', 'b'],
      ['c', ''],
    ]);
    expect(await read('a\rb\r')).toEqual([['a'], ['b']]);
    expect(await read('')).toEqual([['']]);
  });

  it('reads an opening quote that never closes as typed, and the rows after it intact', async () => {
    const text = `prompt\n"never closed ${'x'.repeat(70_000)}\nnext\n"last""\n`;
    const rows = await read(text);
    expect(rows.map((row) => row[0]!.slice(0, 14))).toEqual(['prompt', '"never closed ', 'next', '"last""']);
  });

  it('gives back every cell Excel saved, and every cell Sheets saved as typed (seeded)', async () => {
    const seed = Number(process.env.TEST_SEED) || 20261201;
    console.info(`[tsv test] seed ${seed} (rerun with TEST_SEED=${seed})`);
    const random = mulberry32(seed);
    const pieces = ['SALE', 'a', ' ', '"', '""', '\t', '\n', '\r\n', '5', 'é', '“x”'];
    const cell = (typed: boolean) => {
      let out = '';
      for (let n = Math.floor(random() * 6); n > 0; n--) {
        const piece = pieces[Math.floor(random() * pieces.length)]!;
        // Typed into a sheet: no tab or break inside a cell, and none opening with a quote (one
        // that opens a cell and closes a later one in its row reads as an exporter's quoting).
        if (!typed || (!/[\t\r\n]/.test(piece) && !(out === '' && piece.startsWith('"')))) out += piece;
      }
      return out;
    };
    const grid = (plain: boolean) =>
      Array.from({ length: 400 }, () =>
        Array.from({ length: 1 + Math.floor(random() * 4) }, () => cell(plain)),
      );

    const excel = grid(false);
    expect(await read(excel.map((r) => r.map(excelCell).join('\t')).join('\r\n') + '\r\n')).toEqual(excel);

    const typed = grid(true).filter((r) => r.some((c) => c !== ''));
    expect(await read(typed.map((r) => r.join('\t')).join('\n') + '\n')).toEqual(typed);
  });
});
