import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../simulator/index.ts';
import { readTable } from './batch-table.ts';
import { csvField } from './test-support/csv-field.ts';
import { suggestMapping } from './column-mapping.ts';
import { checkRows } from './row-check.ts';

describe('checking a file row by row', () => {
  it('a 500-row CSV with 3 bad rows gives exactly 3 precise errors and 497 valid rows', async () => {
    const seed = 1616;
    console.info(`[row-check] seed ${seed}`);
    const random = mulberry32(seed);
    const styles = ['AUTO', 'GENERAL', 'REALISTIC', 'DESIGN'];
    const lines = ['Prompt,Style type,rendering_speed,Seed,notes'];
    for (let i = 0; i < 500; i++) {
      const style = styles[Math.floor(random() * styles.length)]!;
      // Some cells in another case, some seeds empty (drawn later), a quoted comma in a prompt.
      const cased = random() < 0.3 ? style.toLowerCase() : style;
      const seed = random() < 0.5 ? String(100 + Math.floor(random() * 999_000)) : '';
      lines.push(
        [
          csvField(`A poster, "SALE ${i}", in ${style}`),
          cased,
          random() < 0.5 ? 'TURBO' : 'QUALITY',
          seed,
          'x',
        ].join(','),
      );
    }
    // Three bad rows: data rows 17, 250 and 499 are spreadsheet rows 18, 251 and 500.
    lines[17] = 'A poster of a fox,VINTAGE,TURBO,,x';
    lines[250] = 'A poster of an owl,DESIGN,TURBO,42,x';
    lines[499] = ',GENERAL,TURBO,,x';
    const table = await readTable('campaign.csv', `${lines.join('\r\n')}\r\n`);
    const mapping = suggestMapping('ideogram-3', table.headers);
    expect(mapping).toEqual(['prompt', 'style_type', 'rendering_speed', 'seed', null]);

    const results = [...checkRows(table, { model: 'ideogram-3', mapping, fixed: {} })];
    const valid = results.filter((r) => r.ok);
    const errors = results.flatMap((r) => (r.ok ? [] : r.errors));
    expect(valid).toHaveLength(497);
    expect(errors.map((e) => e.message)).toEqual([
      'Row 18, column "Style type" (style_type): must be one of AUTO, GENERAL, REALISTIC, DESIGN',
      'Row 251, column "Seed" (seed): must be an integer from 100 to 999999',
      'Row 500, column "Prompt" (prompt): is required',
    ]);
    expect(errors.map((e) => [e.row, e.column, e.value])).toEqual([
      [18, 1, 'VINTAGE'],
      [251, 3, '42'],
      [500, 0, ''],
    ]);
    // Lower-case enum cells read as the enum's own spelling; empty seeds are left to be drawn.
    expect(valid.every((r) => r.ok && styles.includes(String(r.params.style_type)))).toBe(true);
  });

  it('refuses a plan that would fail every row, once, before reading any', async () => {
    const table = await readTable('t.tsv', 'Style\tnotes\nDESIGN\tx\n');
    expect(() => [
      ...checkRows(table, { model: 'ideogram-3', mapping: ['style_type', null], fixed: {} }),
    ]).toThrow(/No column goes to prompt \(Prompt\), which every row needs/);
    expect(() => [
      ...checkRows(table, {
        model: 'ideogram-3',
        mapping: ['style_type', 'style_type'],
        fixed: { prompt: 'x' },
      }),
    ]).toThrow(/both go to style_type/);
  });

  it('reads JSON items, fixed values and lists, and names an extra cell', async () => {
    const table = await readTable(
      'b.json',
      JSON.stringify([
        { prompt: 'one', style_codes: ['1A2B3C4D'], magic_prompt: 'off' },
        { prompt: 'two', style_codes: '1A2B3C4D, 0000FFFF', color_palette: 'pastel' },
      ]),
    );
    const mapping = suggestMapping('ideogram-3', table.headers);
    const results = [
      ...checkRows(table, { model: 'ideogram-3', mapping, fixed: { rendering_speed: 'turbo' } }),
    ];
    expect(results.map((r) => (r.ok ? r.params : r.errors))).toMatchObject([
      { prompt: 'one', style_codes: ['1A2B3C4D'], magic_prompt: 'OFF', rendering_speed: 'TURBO' },
      { prompt: 'two', style_codes: ['1A2B3C4D', '0000FFFF'], color_palette: { name: 'PASTEL' } },
    ]);
    const extra = await readTable('e.csv', 'prompt\nfox,stray\n');
    const [result] = [...checkRows(extra, { model: 'ideogram-3', mapping: ['prompt'], fixed: {} })];
    expect(result).toMatchObject({ ok: false, errors: [{ row: 2, column: 1 }] });
    expect(result!.ok ? '' : result!.errors[0]!.message).toMatch(
      /Row 2, cell 2: is past the last named column/,
    );
  });

  it('reads choices as spreadsheets write them: 16:9, 9 × 16, Portrait 4:3', async () => {
    const table = await readTable('r.csv', 'prompt,aspect_ratio\nwide,16:9\ntall,9 × 16\nodd,7:5\n');
    const results = [
      ...checkRows(table, { model: 'ideogram-3', mapping: ['prompt', 'aspect_ratio'], fixed: {} }),
    ];
    expect(results.slice(0, 2)).toMatchObject([
      { ok: true, params: { aspect_ratio: '16x9' } },
      { ok: true, params: { aspect_ratio: '9x16' } },
    ]);
    // Not a ratio the model has: the error names the cell, and the schema says what is allowed.
    expect(results[2]).toMatchObject({ ok: false, errors: [{ row: 4, column: 1 }] });
    const poster = await readTable('p.csv', 'prompt,image_size\nposter,Portrait 4:3\n');
    const [sized] = [
      ...checkRows(poster, { model: 'ideogram-4', mapping: ['prompt', 'image_size'], fixed: {} }),
    ];
    expect(sized).toMatchObject({ ok: true, params: { image_size: 'portrait_4_3' } });
  });

  it('says where a file cannot be read', async () => {
    await expect(readTable('x.csv', 'prompt,style\n"unclosed,GENERAL\n')).rejects.toThrow(
      /could not be read as CSV/,
    );
    await expect(readTable('x.json', '{"rows": 3}')).rejects.toThrow(/must be a list of objects/);
  });
});
