import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../simulator/index.ts';
import { readTable } from './batch-table.ts';
import { csvField } from './test-support/csv-field.ts';

const csvOptions = { bom: true, skip_empty_lines: false, relax_column_count: true } as const;

describe('reading a table file a chunk at a time', () => {
  it('reads a file of many chunks as the whole-text parser does, with characters and quoted line breaks split across chunks', async () => {
    const seed = 2027;
    console.info(`[batch-table] seed ${seed}`);
    const random = mulberry32(seed);
    const words = [
      'Café',
      'Tōkyō',
      '😀 party',
      'say "HI"',
      'a, b',
      'two\nlines',
      'plain',
      'ō'.repeat(400) + '😀'.repeat(100),
    ];
    const lines = ['Prompt,Style,Notes'];
    for (let i = 0; i < 4000; i++) {
      const cells = [0, 1, 2].map(() => words[Math.floor(random() * words.length)]!);
      lines.push(cells.map(csvField).join(','));
    }
    const text = `\uFEFF${lines.join('\r\n')}\r\n`;
    // The parser is fed 64 KiB at a time: some of those cuts fall inside a character.
    const bytes = Buffer.from(text);
    const cuts = Array.from({ length: Math.floor(bytes.length / 65_536) }, (_, i) => (i + 1) * 65_536);
    expect(cuts.filter((at) => (bytes[at]! & 0xc0) === 0x80).length).toBeGreaterThan(0);

    let ticks = 0;
    const timer = setInterval(() => ticks++, 0);
    const table = await readTable('sheet.csv', text);
    clearInterval(timer);

    const [headers, ...cells] = parse(text, csvOptions) as string[][];
    expect(table.headers).toEqual(headers);
    expect(table.cells).toEqual(cells);
    expect(table.cells).toHaveLength(4000);
    // Main's loop had turns while the file was read.
    expect(ticks).toBeGreaterThan(0);
  });

  it('names the line of a broken quote far into the file', async () => {
    const lines = ['prompt,style'];
    for (let i = 0; i < 3000; i++) lines.push(`"A poster, number ${i}",DESIGN`);
    lines[2500] = '"A poster" that says SALE,DESIGN';
    await expect(readTable('big.csv', lines.join('\n'))).rejects.toThrow(
      /could not be read as CSV \(near line 2501\)/,
    );
  });
});

describe('what spreadsheets write', () => {
  // csv-parse (the reader before papaparse) is the reference: every file here must read the same.
  const reference = (text: string, delimiter = ',') =>
    parse(text, { ...csvOptions, delimiter, quote: delimiter === '\t' ? false : '"' }) as string[][];
  const files: [string, string][] = [
    [
      'an Excel export: BOM, CRLF, quoted cells with commas, quotes and line breaks',
      '\uFEFFprompt,style\r\n"A sign, ""OPEN""",DESIGN\r\n"two\r\nlines",AUTO\r\n',
    ],
    ['an old Mac export: CR alone', 'prompt,style\r"a, b",DESIGN\rplain,AUTO\r'],
    [
      'no last line break, and rows shorter and longer than the header',
      'prompt,style,seed\nshort\nlong,AUTO,1,extra',
    ],
    ['empty lines inside and at the end', 'prompt,style\n\nfirst,AUTO\n\n\nsecond,DESIGN\n\n'],
    ['empty quoted cells and spaces kept', 'prompt,style\n"",  AUTO \n" padded ",""\n'],
  ];
  for (const [what, text] of files) {
    it(`reads ${what} as csv-parse did`, async () => {
      const [headers, ...cells] = reference(text);
      const table = await readTable('sheet.csv', text);
      expect(table.headers).toEqual(headers!.map((h) => h.trim()));
      expect(table.cells).toEqual(cells);
    });
  }

  it("keeps a TSV cell's quotes as typed", async () => {
    const text = 'prompt\tsize\nA "5" inch badge\t"wide\n"quoted"\tx\n';
    const table = await readTable('sheet.tsv', text);
    expect(table.cells).toEqual(reference(text, '\t').slice(1));
    expect(table.cells[0]).toEqual(['A "5" inch badge', '"wide']);
  });

  it("reads an Excel TSV's quoted headlines as typed in the sheet, one row per sheet row", async () => {
    const text =
      '\uFEFFprompt\tstyle_type\r\n"A poster that says ""SALE"""\tDESIGN\r\n"SUMMER\nSALE"\tAUTO\r\n"OPEN" late\tGENERAL\r\n';
    const table = await readTable('campaign.tsv', text);
    expect(table.headers).toEqual(['prompt', 'style_type']);
    expect(table.cells).toEqual([
      ['A poster that says "SALE"', 'DESIGN'],
      ['SUMMER\nSALE', 'AUTO'],
      ['"OPEN" late', 'GENERAL'],
    ]);
  });

  it('names the line of a broken quote, counting the lines of quoted cells above it', async () => {
    const text = 'prompt,style\n"one\ntwo\nthree",AUTO\n"never closed,DESIGN\nlast,AUTO\n';
    await expect(readTable('x.csv', text)).rejects.toThrow(
      'The file could not be read as CSV (near line 5): a quoted cell is never closed (a quote opens it and none ends it).',
    );
    await expect(
      readTable('x.csv', 'prompt,style\r\nok,AUTO\r\n"A poster" that says SALE,DESIGN\r\n'),
    ).rejects.toThrow(
      /^The file could not be read as CSV \(near line 3\): a quoted cell has text after its closing quote/,
    );
  });
});
