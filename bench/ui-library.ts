/**
 * A library for the grid benches and e2e walks, written straight into a data folder through the
 * library's own insert path. Images come in the shapes Ideogram makes (16:9 posters to 9:16 phone
 * wallpapers), each a small PNG with a headline across its full width and a frame at its edges: a
 * tile that crops it shows at once. They are shared between rows, so thumbnails stay cheap and the
 * grid's own work is what gets measured.
 */
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import sharp from 'sharp';
import { openDatabase } from '../src/main/library/database.ts';
import { createFileStore } from '../src/main/library/file-store.ts';
import { insertImageRow } from '../src/main/library/image-rows.ts';
import type { Migration } from '../src/main/library/migrations/index.ts';
import type { PreparedImage } from '../src/main/library/prepare-image.ts';
import { mulberry32 } from '../src/main/simulator/seeded-random.ts';

export const shapes = [
  [16, 9],
  [9, 16],
  [1, 1],
  [4, 3],
  [3, 4],
  [2, 1],
  [1, 2],
  [3, 2],
] as const;

const words = (
  'poster logo fox owl dragon robot city forest ocean mountain castle street night sunset winter neon ' +
  'vintage minimal bold watercolour photo cinematic golden blue red green typography lettering album ' +
  'sticker pattern flower garden whale astronaut planet galaxy lighthouse bridge train market island'
).split(' ');

/** A PNG of the given shape with `headline` from edge to edge. */
export async function headlineImage(width: number, height: number, headline: string, hue: number) {
  // DejaVu Sans Bold is about 0.7 em per capital: the headline takes ~85 % of the width.
  const size = Math.round((width * 0.85) / (headline.length * 0.7));
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
    <rect width="100%" height="100%" fill="hsl(${hue}, 55%, 45%)"/>
    <rect x="2" y="2" width="${width - 4}" height="${height - 4}" fill="none" stroke="#fff" stroke-width="4"/>
    <text x="50%" y="50%" font-family="DejaVu Sans, sans-serif" font-weight="bold" font-size="${size}"
      fill="#fff" text-anchor="middle" dominant-baseline="middle">${headline}</text>
  </svg>`;
  return sharp(Buffer.from(svg)).png().toBuffer();
}

export interface UiLibraryOptions {
  rows: number;
  /** Every nth row's prompt gets this word, for a search with a known number of matches. */
  marker?: { word: string; every: number };
  /** Every nth row gets this negative prompt (a word no prompt holds), for negative: searches. */
  negative?: { text: string; every: number };
  seed?: number;
  /** A schema older than this tree's, so an older build (a bench baseline) can open the file too. */
  migrations?: Migration[];
  log?: (line: string) => void;
}

/** Writes `rows` images into <dataDir>/library.sqlite3; returns the seconds it took. */
export async function buildUiLibrary(dataDir: string, options: UiLibraryOptions): Promise<number> {
  const started = performance.now();
  const random = mulberry32(options.seed ?? 11);
  const sentence = (n: number) =>
    Array.from({ length: n }, () => words[Math.floor(random() * words.length)]).join(' ');
  const db = openDatabase(
    path.join(dataDir, 'library.sqlite3'),
    options.migrations ? { migrations: options.migrations } : {},
  );
  // This connection only writes the fixture: a big page cache keeps inserts from going to disk for
  // index pages over and over; the app opens the file with its own settings.
  db.pragma('cache_size = -262144');
  const store = createFileStore(path.join(dataDir, 'images'));
  const shared: PreparedImage[] = [];
  for (const [i, [w, h]] of shapes.entries()) {
    const width = w >= h ? 320 : Math.round((320 * w) / h);
    const height = w >= h ? Math.round((320 * h) / w) : 320;
    const png = await headlineImage(width, height, `ARBOUR LIGHT ${w}:${h}`, (i * 45) % 360);
    const { sha256, bytes } = await store.put(png);
    shared.push({ sha256, format: 'png', mime: 'image/png', bytes, width, height, embedded: null });
  }
  const rows = options.rows;
  const start = Date.UTC(2025, 0, 1);
  const span = 365 * 24 * 3600 * 1000;
  const insert = db.transaction((from: number, to: number) => {
    for (let i = from; i < to; i++) {
      const marked = options.marker && i % options.marker.every === 0;
      insertImageRow(
        db,
        shared[Math.floor(random() * shared.length)]!,
        {
          model: i % 3 === 0 ? 'ideogram-4' : 'ideogram-3',
          prompt: `${marked ? `${options.marker!.word} ` : ''}${sentence(6 + Math.floor(random() * 10))}`,
          negativePrompt: options.negative && i % options.negative.every === 0 ? options.negative.text : null,
          params: {},
          seed: 100 + Math.floor(random() * 999_000),
          jobId: `bench-ui-${i}`,
          outputIndex: 0,
          createdAt: start + Math.floor((i / rows) * span),
        },
        'generated',
        Date.now(),
      );
    }
  });
  const chunk = 5_000;
  for (let from = 0; from < rows; from += chunk) {
    insert(from, Math.min(rows, from + chunk));
    if ((from / chunk) % 20 === 19) {
      options.log?.(
        `  ${(from + chunk).toLocaleString()} rows, ${((performance.now() - started) / 1000).toFixed(1)} s`,
      );
    }
  }
  db.close();
  return (performance.now() - started) / 1000;
}
