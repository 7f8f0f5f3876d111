import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const child = `
import { createFileLogger } from ${JSON.stringify(path.join(import.meta.dirname, 'logger.ts'))};
import { logCrashes } from ${JSON.stringify(path.join(import.meta.dirname, 'crash-log.ts'))};
logCrashes(createFileLogger({ dir: process.argv[1] }), { exit: true });
if (process.argv[2] === 'throw') setTimeout(() => { throw new Error('boom from a timer'); });
else Promise.reject(new Error('a promise nobody awaited'));
`;

describe('crashes reach the log file', () => {
  it.each([
    ['throw', 'uncaught exception: Error: boom from a timer'],
    ['reject', 'unhandled promise rejection: Error: a promise nobody awaited'],
  ])('%s: logged with its stack, then the process ends with 1', (how, line) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crash-log-'));
    try {
      const result = spawnSync(process.execPath, ['--input-type=module', '-e', child, dir, how], {
        encoding: 'utf8',
      });
      expect(result.status).toBe(1);
      const log = fs.readFileSync(path.join(dir, 'studio.log'), 'utf8');
      expect(log).toContain(`ERROR [crash] ${line}`);
      expect(log).toMatch(/\n\s+at /);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
