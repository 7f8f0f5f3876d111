import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createFileStore, sha256Of } from './file-store.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});
function tempStore() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'file-store-'));
  dirs.push(dir);
  return createFileStore(dir);
}

describe('file store', () => {
  it('stores bytes under their sha256 in 256 shard folders', async () => {
    const store = tempStore();
    const bytes = Buffer.from('hello image');
    const stored = await store.put(bytes);
    expect(stored.sha256).toBe(sha256Of(bytes));
    expect(stored.path).toBe(path.join(store.root, stored.sha256.slice(0, 2), stored.sha256));
    expect(fs.readFileSync(stored.path)).toEqual(bytes);
    expect(await store.has(stored.sha256)).toBe(true);
  });

  it('stores duplicates once and leaves no temp files behind', async () => {
    const store = tempStore();
    const bytes = Buffer.from('same bytes');
    const [a, b] = await Promise.all([store.put(bytes), store.put(bytes)]);
    expect(a.path).toBe(b.path);
    const files = fs
      .readdirSync(store.root, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile());
    expect(files.map((f) => f.name)).toEqual([a.sha256]);
  });

  it('heals a damaged copy when the same bytes are stored again', async () => {
    const store = tempStore();
    const bytes = Buffer.from('precious');
    const { path: file, sha256 } = await store.put(bytes);
    fs.writeFileSync(file, 'trunc');
    await store.put(bytes);
    expect(fs.readFileSync(store.pathFor(sha256))).toEqual(bytes);
  });

  it('removes a blob and reports whether there was one', async () => {
    const store = tempStore();
    const { sha256 } = await store.put(Buffer.from('x'));
    expect(await store.remove(sha256)).toBe(true);
    expect(await store.remove(sha256)).toBe(false);
    expect(await store.has(sha256)).toBe(false);
  });

  it('refuses anything that is not a sha256 as a name', () => {
    const store = tempStore();
    expect(() => store.pathFor('../../etc/passwd')).toThrow(/not a sha256/);
    expect(() => store.pathFor('A'.repeat(64))).toThrow(/not a sha256/);
  });
});
