import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';

/**
 * Every test file gets a temp folder of its own, and every temp folder its tests make (through
 * os.tmpdir(), which reads TMPDIR at each call, in this process and in the children it starts) is
 * made inside it, so the folder goes when the file ends: a test that forgets its cleanup, or one that
 * fails before it, leaves nothing behind in /tmp. Made in the first beforeAll (vitest setupFiles), so
 * a file whose tests are all skipped makes none; removed in the last afterAll (hooks run as a stack).
 */
const outside = process.env.TMPDIR;
let root: string | null = null;

beforeAll(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'studio-test-'));
  process.env.TMPDIR = root;
});

afterAll(() => {
  if (outside === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = outside;
  if (root) fs.rmSync(root, { recursive: true, force: true });
});
