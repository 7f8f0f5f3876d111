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
