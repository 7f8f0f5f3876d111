/**
 * Batch files the way designers make them: a campaign sheet exported from a spreadsheet, seeded so a
 * run can be repeated. Prompts of every length (most a sentence or two, a tail of briefs pasted in at
 * a few thousand characters), quoted words that must appear in the image, commas, line breaks and
 * accents inside cells, columns for the model beside columns for the studio's own notes, values in
 * whatever case people type, and a share of rows a person got wrong.
 */
import { mulberry32 } from '../src/main/simulator/seeded-random.ts';

export type SheetFormat = 'csv' | 'tsv' | 'json';

/** The sheet's headers as a person writes them; the first six map themselves to ideogram-3. */
export const sheetHeaders = [
  'Prompt',
  'Negative prompt',
  'Style',
  'Speed',
  'Aspect ratio',
  'Seed',
  'Client',
  'Notes',
  'Approved',
  'Ref #',
] as const;
export const mappedColumns = 6;

export interface Sheet {
  seed: number;
  rows: number;
  /** Data rows that must fail the check, by their spreadsheet row number (the header is row 1). */
  badRows: number[];
  cells: string[][];
}

const subjects = [
  'a fox in a red scarf',
  'a lighthouse at dusk',
  'a bowl of ramen with steam',
  'a vintage bicycle against a brick wall',
  'two hands holding a coffee cup',
  'a city skyline in the rain',
  'a desert highway motel sign',
  'an owl on a birch branch',
  'a stack of pancakes with berries',
  'a surfer at sunrise',
  'a crème brûlée on a marble table',
  'a neon-lit ramen bar in Tōkyō',
];
const texts = [
  'SUMMER SALE',
  'GRAND OPENING',
  '50% OFF',
  'Café Müller',
  'OPEN LATE',
  'Since 1987',
  'FRESH, LOCAL, YOURS',
  'Hello, "World"',
  'NO. 5',
  'Back to School',
];
const looks = [
  'flat vector illustration, bold outlines',
  'risograph print, two colours, grainy',
  'photorealistic, 50mm lens, shallow depth of field',
  'Swiss poster style, grid layout, Helvetica-like type',
  'watercolour, soft edges, paper texture',
  'retro 70s palette: mustard, burnt orange, teal',
  'isometric 3D render, pastel colours',
  'linocut, black ink on cream paper',
];
const briefSentences = [
  'The client wants the headline to read clearly from across the street, so keep the lettering large and high in contrast.',
  'Leave a calm margin at the bottom for the legal line; nothing important should sit in the lower tenth.',
  'Colours follow the brand book: a deep navy, a warm off-white and one accent, never more than three.',
  'The mood is optimistic but not loud — think early morning, fresh air, the first coffee of the day.',
  'Avoid stock-photo clichés: no handshakes, no lens flares, no people pointing at charts.',
  'Typography should feel hand-set, with generous letter spacing on the small caps.',
  'If there are people, they look like real customers: varied ages, everyday clothes, natural light.',
  'The product sits slightly left of centre so the headline can breathe on the right.',
];
const negatives = [
  '',
  '',
  '',
  'blurry, low contrast',
  'text artifacts, watermark',
  'people, cars',
  'extra fingers',
];
const styles = ['AUTO', 'GENERAL', 'REALISTIC', 'DESIGN', 'design', 'Realistic'];
const speeds = ['TURBO', 'DEFAULT', 'QUALITY', 'turbo', 'Default'];
const ratios = ['1x1', '16x9', '9x16', '4x5', '3x2', '2x3', ''];
const clients = ['Acme Coffee', 'Northwind, Inc.', 'Müller & Söhne', 'Studio "Blue"', 'Harbour Books'];
const notes = [
  '',
  '',
  'check spelling w/ client',
  'v2, after feedback:\nbigger logo',
  'rush',
  'see brief p. 3',
];

/** What people get wrong, each as the cells it changes (column index, text). */
const mistakes: ((random: () => number) => [number, string])[] = [
  () => [2, 'PLAID'],
  () => [3, 'FAST'],
  // Written as a spreadsheet would (main reads 16:9 as 16x9 now), a ratio the model does not have.
  () => [4, '21:9'],
  () => [4, '5x7'],
  () => [5, 'random'],
  () => [5, '42'],
  () => [0, ''],
  (random) => [0, 'A poster. '.repeat(1_001 + Math.floor(random() * 50))],
];

/** A prompt: mostly a line, a fifth a paragraph, a few in a hundred a pasted brief of 1-3k characters. */
function promptOf(random: () => number): string {
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)]!;
  const base = `A poster of ${pick(subjects)} that says "${pick(texts)}", ${pick(looks)}`;
  const roll = random();
  if (roll < 0.75) return base;
  const sentences = roll < 0.97 ? 1 + Math.floor(random() * 4) : 8 + Math.floor(random() * 18);
  const parts = [base + '.'];
  for (let i = 0; i < sentences; i++) parts.push(pick(briefSentences));
  // Long briefs come with paragraphs, as they were pasted into the cell.
  return parts.join(sentences > 6 && random() < 0.5 ? '\n\n' : ' ');
}

/** A seeded sheet of `rows` data rows, about one in fifty of them wrong in one way or another. */
export function makeSheet(seed: number, rows: number): Sheet {
  const random = mulberry32(seed);
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)]!;
  const cells: string[][] = [];
  const badRows: number[] = [];
  for (let i = 0; i < rows; i++) {
    const row = [
      promptOf(random),
      pick(negatives),
      pick(styles),
      pick(speeds),
      pick(ratios),
      random() < 0.6 ? String(100 + Math.floor(random() * 999_000)) : '',
      pick(clients),
      pick(notes),
      random() < 0.5 ? 'yes' : '',
      `R-${String(i + 1).padStart(6, '0')}`,
    ];
    if (random() < 0.02) {
      const [column, text] = pick(mistakes)(random);
      row[column] = text;
      badRows.push(i + 2);
    }
    cells.push(row);
  }
  return { seed, rows, badRows, cells };
}

function csvCell(text: string): string {
  return /[",\r\n]/.test(text) || text !== text.trim() ? `"${text.replaceAll('"', '""')}"` : text;
}

/**
 * The sheet as a spreadsheet saves it. CSV: Excel's "CSV UTF-8": a byte-order mark, CRLF between rows,
 * LF inside quoted cells, and the empty rows at the end a sheet drags along. TSV: a sheet copied out
 * and saved as text (no quoting: line breaks and tabs in cells become spaces). JSON: a list of
 * objects, seeds as numbers, an empty cell as null.
 */
export function sheetText(sheet: Sheet, format: SheetFormat): string {
  if (format === 'json') {
    const items = sheet.cells.map((row) =>
      Object.fromEntries(
        sheetHeaders.map((header, i) => {
          const cell = row[i]!;
          if (cell === '') return [header, null];
          return [header, header === 'Seed' && /^\d+$/.test(cell) ? Number(cell) : cell];
        }),
      ),
    );
    return JSON.stringify(items, null, 1);
  }
  if (format === 'tsv') {
    const flat = (text: string) => text.replace(/[\t\r\n]+/g, ' ');
    return [sheetHeaders, ...sheet.cells].map((row) => row.map(flat).join('\t')).join('\n') + '\n';
  }
  const lines = [sheetHeaders, ...sheet.cells].map((row) => row.map(csvCell).join(','));
  const trailing = Array.from({ length: 3 }, () => ','.repeat(sheetHeaders.length - 1));
  return `\uFEFF${[...lines, ...trailing].join('\r\n')}\r\n`;
}
