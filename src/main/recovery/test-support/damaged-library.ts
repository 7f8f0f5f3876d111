import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import sharp from 'sharp';
import { openDatabase } from '../../library/database.ts';
import { sha256Of } from '../../library/file-store.ts';
import { insertImageRow } from '../../library/image-rows.ts';
import { createLibrary } from '../../library/library.ts';
import { mulberry32 } from '../../simulator/seeded-random.ts';

export const libraryFile = (dataDir: string) => path.join(dataDir, 'library.sqlite3');

/**
 * A real library in `dataDir`: `files` imported images with their originals on disk, plus `rows`
 * more rows (bulk, no files) so the database spans enough pages for damage to land inside it.
 * Closed cleanly, so the WAL is checkpointed and the file alone holds everything.
 */
export async function seedLibrary(dataDir: string, options: { files?: number; rows?: number } = {}) {
  fs.mkdirSync(dataDir, { recursive: true });
  const db = openDatabase(libraryFile(dataDir));
  const library = createLibrary({ db, dataDir });
  const files = [];
  for (let i = 0; i < (options.files ?? 3); i++) {
    const bytes = await sharp({
      create: { width: 32, height: 24, channels: 3, background: { r: i * 40, g: 120, b: 200 - i * 30 } },
    })
      .png()
      .toBuffer();
    files.push({ name: `seed-${i}.png`, bytes });
  }
  const imported = await library.importFiles(files);
  db.transaction(() => {
    for (let i = 0; i < (options.rows ?? 400); i++) {
      const sha256 = sha256Of(Buffer.from(`bulk ${i}`));
      insertImageRow(
        db,
        { sha256, format: 'png', mime: 'image/png', bytes: 100, width: 64, height: 64, embedded: null },
        {
          model: 'ideogram-3',
          prompt: `A poster that reads "BULK ${i}" with some words to fill the page ${'lorem ipsum '.repeat(8)}`,
          params: { aspect_ratio: '1x1' },
          seed: i,
          createdAt: Date.UTC(2026, 0, 1) + i * 60_000,
        },
        'generated',
        Date.UTC(2026, 0, 1),
      );
    }
  })();
  await library.close();
  db.close();
  return { imported: imported.imported.length };
}

export function sha256File(file: string): string {
  return createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

/** Ways a library file gets damaged in the wild, each seeded (print the seed in the test). */
export const damage = {
  smashHeader(file: string, seed: number) {
    const random = mulberry32(seed);
    const fd = fs.openSync(file, 'r+');
    fs.writeSync(fd, Buffer.from(Array.from({ length: 100 }, () => Math.floor(random() * 256))), 0, 100, 0);
    fs.closeSync(fd);
  },
  overwrite(file: string, seed: number) {
    const random = mulberry32(seed);
    const size = fs.statSync(file).size;
    fs.writeFileSync(file, Buffer.from(Array.from({ length: size }, () => Math.floor(random() * 256))));
  },
  truncate(file: string, fraction: number) {
    const size = fs.statSync(file).size;
    fs.truncateSync(file, Math.floor(size * fraction));
  },
  replaceWithFolder(file: string) {
    fs.rmSync(file);
    fs.mkdirSync(file);
  },
  /** Garbage over the root page of one table or index, found through the schema. */
  page(file: string, name: string, seed: number) {
    const db = new Database(file, { readonly: true });
    const root = db
      .prepare<[string], number>('SELECT rootpage FROM sqlite_schema WHERE name = ?')
      .pluck()
      .get(name);
    const pageSize = db.pragma('page_size', { simple: true }) as number;
    db.close();
    if (!root) throw new Error(`no table or index named ${name}`);
    const random = mulberry32(seed);
    const bytes = Buffer.from(Array.from({ length: pageSize }, () => Math.floor(random() * 256)));
    const fd = fs.openSync(file, 'r+');
    fs.writeSync(fd, bytes, 0, pageSize, (root - 1) * pageSize);
    fs.closeSync(fd);
  },
  /**
   * Garbage over a run of pages in the middle: SQLite still opens the file, parts do not read. The
   * run avoids the schema's own pages, which grow with each migration and move about the file: a
   * damaged schema is a different damage (nothing at all can be read), tested on its own above.
   */
  scribbleInside(file: string, seed: number, pages = 3) {
    const db = new Database(file, { readonly: true });
    const schemaPages = new Set(
      db.prepare<[], number>("SELECT pageno FROM dbstat WHERE name = 'sqlite_schema'").pluck().all(),
    );
    const pageSize = db.pragma('page_size', { simple: true }) as number;
    db.close();
    const pageCount = Math.floor(fs.statSync(file).size / pageSize);
    let firstPage = Math.floor(pageCount / 2);
    const hitsSchema = (first: number) =>
      Array.from({ length: pages }, (_, i) => first + i + 1).some((page) => schemaPages.has(page));
    while (hitsSchema(firstPage) && firstPage + pages < pageCount) firstPage++;
    const random = mulberry32(seed);
    const bytes = Buffer.from(Array.from({ length: pages * pageSize }, () => Math.floor(random() * 256)));
    const fd = fs.openSync(file, 'r+');
    fs.writeSync(fd, bytes, 0, bytes.length, firstPage * pageSize);
    fs.closeSync(fd);
  },
};
