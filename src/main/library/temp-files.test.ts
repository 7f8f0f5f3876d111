import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { checkWritable, removeTempFiles } from './temp-files.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'studio-temp-'));
  dirs.push(dir);
  return dir;
}

describe('temp files', () => {
  it('removes every download the last run left behind, however recent, but none begun since, nor other files', () => {
    const dir = tempDir();
    const startedAt = Date.now();
    const old = path.join(dir, 'job-1-0-aaaa.part');
    const recent = path.join(dir, 'job-2-0-bbbb.part');
    const sinceStart = path.join(dir, 'job-3-0-cccc.part');
    const other = path.join(dir, 'notes.txt');
    for (const file of [old, recent, sinceStart, other]) fs.writeFileSync(file, 'x');
    const hoursAgo = new Date(startedAt - 7 * 60 * 60 * 1000);
    const secondsAgo = new Date(startedAt - 2000);
    const later = new Date(startedAt + 2000);
    fs.utimesSync(old, hoursAgo, hoursAgo);
    fs.utimesSync(recent, secondsAgo, secondsAgo);
    fs.utimesSync(sinceStart, later, later);
    fs.utimesSync(other, hoursAgo, hoursAgo);
    expect(removeTempFiles(dir, startedAt)).toBe(2);
    expect(fs.readdirSync(dir).sort()).toEqual(['job-3-0-cccc.part', 'notes.txt']);
    expect(removeTempFiles(path.join(dir, 'missing'), startedAt)).toBe(0);
  });

  it('checks a folder can take a write and leaves nothing behind; a file in its place throws the disk error', async () => {
    const dir = tempDir();
    await checkWritable(path.join(dir, 'tmp'));
    expect(fs.readdirSync(path.join(dir, 'tmp'))).toEqual([]);
    fs.writeFileSync(path.join(dir, 'blocked'), 'x');
    await expect(checkWritable(path.join(dir, 'blocked'))).rejects.toMatchObject({ code: 'EEXIST' });
  });
});
