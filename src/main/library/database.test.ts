import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { migrate, openDatabase, quickCheck, schemaVersion } from './database.ts';
import { migrations } from './migrations/index.ts';
import type { Migration } from './migrations/types.ts';

const dirs: string[] = [];
function tempFile(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'library-db-'));
  dirs.push(dir);
  return path.join(dir, 'library.db');
}
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

function step(version: number, sql: string): Migration {
  return { version, name: `step ${version}`, up: (db) => db.exec(sql) };
}

describe('openDatabase', () => {
  it('turns on WAL, foreign keys and a busy timeout, and applies every known migration', () => {
    const db = openDatabase(tempFile());
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('busy_timeout', { simple: true })).toBe(5000);
    expect(db.pragma('synchronous', { simple: true })).toBe(1);
    expect(schemaVersion(db)).toBe(migrations.at(-1)!.version);
    expect(quickCheck(db)).toEqual([]);
    db.close();
  });

  it('refuses a file written by a newer app and leaves it alone', () => {
    const file = tempFile();
    openDatabase(file, {
      migrations: [step(1, 'CREATE TABLE a (x INTEGER) STRICT'), step(7, 'SELECT 1')],
    }).close();
    expect(() => openDatabase(file, { migrations: [step(1, 'CREATE TABLE a (x INTEGER) STRICT')] })).toThrow(
      /newer version of the app \(schema 7; this app knows up to 1\)/,
    );
  });
});

describe('migrate', () => {
  it('applies only newer steps, allowing gaps, and records the version', () => {
    const db = openDatabase(tempFile(), { migrations: [step(1, 'CREATE TABLE a (x INTEGER) STRICT')] });
    migrate(db, [step(1, 'CREATE TABLE a (x INTEGER) STRICT'), step(3, 'CREATE TABLE b (y INTEGER) STRICT')]);
    expect(schemaVersion(db)).toBe(3);
    expect(db.prepare("SELECT count(*) AS n FROM sqlite_schema WHERE name IN ('a', 'b')").get()).toEqual({
      n: 2,
    });
    db.close();
  });

  it('rolls a failing step back whole and keeps the previous version', () => {
    const db = openDatabase(tempFile(), { migrations: [step(1, 'CREATE TABLE a (x INTEGER) STRICT')] });
    const broken = step(2, 'CREATE TABLE c (z INTEGER) STRICT; INSERT INTO nowhere VALUES (1);');
    expect(() => migrate(db, [step(1, ''), broken])).toThrow(/nowhere/);
    expect(schemaVersion(db)).toBe(1);
    expect(db.prepare("SELECT count(*) AS n FROM sqlite_schema WHERE name = 'c'").get()).toEqual({ n: 0 });
    db.close();
  });

  it('rejects versions that do not strictly increase', () => {
    const db = openDatabase(tempFile(), { migrations: [] });
    expect(() => migrate(db, [step(2, ''), step(2, '')])).toThrow(/strictly increase/);
    expect(() => migrate(db, [step(3, ''), step(1, '')])).toThrow(/strictly increase/);
    db.close();
  });

  it('keeps the shipped list strictly increasing', () => {
    const versions = migrations.map((m) => m.version);
    expect(versions).toEqual([...versions].sort((a, b) => a - b));
    expect(new Set(versions).size).toBe(versions.length);
  });
});
