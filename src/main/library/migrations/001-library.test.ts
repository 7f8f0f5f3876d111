import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, schemaVersion } from '../database.ts';
import { m001 } from './001-library.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});
function tempFile(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'library-m001-'));
  dirs.push(dir);
  return path.join(dir, 'library.db');
}

const sha = 'a'.repeat(64);
const insertImage = `INSERT INTO images (id, sha256, format, bytes, width, height, model, prompt, params, source, created_at, job_id, output_index)
  VALUES (?, ?, 'png', 10, 20, 10, 'ideogram-3', ?, '{"a":1}', 'generated', 1, ?, ?)`;

describe('migration 001 (library)', () => {
  it('creates the library on an empty file (version 0 -> 1)', () => {
    const db = openDatabase(tempFile(), { migrations: [] });
    expect(schemaVersion(db)).toBe(0);
    db.close();
    const migrated = openDatabase(db.name, { migrations: [m001] });
    expect(schemaVersion(migrated)).toBe(1);
    migrated.prepare(insertImage).run('img1', sha, 'A red fox in snow', 'job1', 0);
    expect(migrated.prepare('SELECT orientation FROM images').get()).toEqual({ orientation: 'landscape' });
    migrated.close();
  });

  it('indexes prompts and tags for full-text search and keeps the index in step', () => {
    const db = openDatabase(tempFile(), { migrations: [m001] });
    const { lastInsertRowid: pk } = db.prepare(insertImage).run('img1', sha, 'A red fox in snow', 'job1', 0);
    const tag = db.prepare("INSERT INTO tags (name) VALUES ('winter')").run().lastInsertRowid;
    db.prepare('INSERT INTO image_tags (image_pk, tag_id) VALUES (?, ?)').run(pk, tag);
    const match = db.prepare('SELECT rowid FROM images_fts WHERE images_fts MATCH ?').pluck();
    expect(match.all('fo*')).toEqual([pk]);
    expect(match.all('winter')).toEqual([pk]);
    db.prepare('DELETE FROM image_tags').run();
    expect(match.all('winter')).toEqual([]);
    db.prepare("UPDATE images SET prompt = 'A blue whale'").run();
    expect(match.all('fox')).toEqual([]);
    expect(match.all('whale')).toEqual([pk]);
    db.prepare('DELETE FROM images').run();
    expect(match.all('whale')).toEqual([]);
    db.close();
  });

  it("stores a job's output once and enforces its checks", () => {
    const db = openDatabase(tempFile(), { migrations: [m001] });
    const insert = db.prepare(insertImage);
    insert.run('img1', sha, 'p', 'job1', 0);
    expect(() => insert.run('img2', sha, 'p', 'job1', 0)).toThrow(/UNIQUE/);
    expect(() => db.prepare('UPDATE images SET rating = 6').run()).toThrow(/CHECK/);
    expect(() => db.prepare("UPDATE images SET params = 'not json'").run()).toThrow(/CHECK/);
    expect(() => db.prepare("UPDATE images SET width = 'wide'").run()).toThrow(
      /cannot store TEXT value in INTEGER/,
    );
    db.close();
  });
});
