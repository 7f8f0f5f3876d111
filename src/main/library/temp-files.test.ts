import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { removeStaleTempFiles } from './temp-files.ts';

describe('temp files', () => {
  it('removes downloads a crash left behind, but not fresh ones or other files', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'studio-temp-'));
    const now = Date.now();
    const stale = path.join(dir, 'job-1-0-aaaa.part');
    const fresh = path.join(dir, 'job-2-0-bbbb.part');
    const other = path.join(dir, 'notes.txt');
    for (const file of [stale, fresh, other]) fs.writeFileSync(file, 'x');
    const old = new Date(now - 7 * 60 * 60 * 1000);
    fs.utimesSync(stale, old, old);
    fs.utimesSync(other, old, old);
    expect(await removeStaleTempFiles(dir, now)).toBe(1);
    expect(fs.existsSync(stale)).toBe(false);
    expect(fs.existsSync(fresh)).toBe(true);
    expect(fs.existsSync(other)).toBe(true);
    expect(await removeStaleTempFiles(path.join(dir, 'missing'), now)).toBe(0);
  });
});
