import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createFileLogger, logFileName } from './logger.ts';

const dirs: string[] = [];
function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'logger-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

describe('file logger', () => {
  it('writes levelled, timestamped lines with error details', () => {
    const dir = tempDir();
    const log = createFileLogger({ dir, now: () => Date.UTC(2026, 11, 1, 9, 0, 0) });
    log.info('[app] started');
    log.error('[jobs] step failed:', new Error('boom'));
    const text = fs.readFileSync(path.join(dir, logFileName), 'utf8');
    expect(text).toContain('2026-12-01T09:00:00.000Z INFO [app] started');
    expect(text).toMatch(/ERROR \[jobs\] step failed: Error: boom/);
    expect(log.file).toBe(path.join(dir, logFileName));
  });

  it('never writes a secret, even inside an error', () => {
    const dir = tempDir();
    const key = 'SG_0123456789abcdef';
    const log = createFileLogger({ dir, secrets: () => [key, null] });
    log.warn(`refused ${key}`, { headers: { 'x-api-key': key } }, new Error(`echo ${key}`));
    const text = fs.readFileSync(path.join(dir, logFileName), 'utf8');
    expect(text).not.toContain(key);
    expect(text.match(/\[redacted\]/g)?.length).toBe(3);
  });

  it('rotates past its size cap and keeps a bounded number of files', () => {
    const dir = tempDir();
    const log = createFileLogger({ dir, maxBytes: 2_000, keep: 2 });
    for (let i = 0; i < 200; i++) log.info(`line ${i} ${'x'.repeat(60)}`);
    const files = fs.readdirSync(dir).toSorted();
    expect(files).toEqual(['studio.1.log', 'studio.2.log', 'studio.log']);
    for (const name of files) expect(fs.statSync(path.join(dir, name)).size).toBeLessThanOrEqual(2_000);
    expect(fs.readFileSync(path.join(dir, 'studio.log'), 'utf8')).toContain('line 199');
  });

  it('drops a line it cannot write instead of throwing', () => {
    const dir = tempDir();
    // A folder where the log file should be: every append fails.
    fs.mkdirSync(path.join(dir, logFileName));
    const log = createFileLogger({ dir });
    expect(() => log.error('cannot be written')).not.toThrow();
  });
});
