import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, schemaVersion } from '../database.ts';
import { migrations } from './index.ts';
import { m008 } from './008-lineage.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

const before = migrations.filter((m) => m.version < m008.version);
const sha = (c: string) => c.repeat(64);

describe('migration 008 (lineage)', () => {
  it('finds the remix sources and variation parents of images made before it', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'library-m008-'));
    dirs.push(dir);
    const file = path.join(dir, 'library.db');
    const old = openDatabase(file, { migrations: before });
    const image = old.prepare(
      `INSERT INTO images (pk, id, sha256, format, bytes, width, height, model, prompt, params, source, created_at, job_id, output_index)
       VALUES (?, ?, ?, 'png', 1, 1, 1, 'ideogram-3', ?, ?, 'generated', ?, ?, 0)`,
    );
    const job = old.prepare(
      `INSERT INTO jobs (id, model, params, state, created_at, updated_at, estimate_key, batch_id, parent_id)
       VALUES (?, 'ideogram-3', '{}', 'completed', 1, 1, 'k', ?, ?)`,
    );
    job.run('job-a', 'b1', null);
    job.run('job-v', 'b2', 'job-a');
    image.run(1024, 'A'.repeat(26), sha('a'), 'parent', '{}', 1, 'job-a');
    image.run(
      2048,
      'B'.repeat(26),
      sha('b'),
      'remix',
      JSON.stringify({
        image: `local:${sha('a')}`,
        style_reference_images: [`local:${sha('f')}`, 'https://example.com/x.png'],
      }),
      2,
      'job-r',
    );
    image.run(3072, 'C'.repeat(26), sha('c'), 'variation', '{}', 3, 'job-v');
    old.prepare("INSERT INTO blobs VALUES (?, 'png', 1, 1, 1, 1)").run(sha('f'));
    old.close();

    const db = openDatabase(file, { migrations: [...before, m008] });
    expect(schemaVersion(db)).toBe(8);
    expect(
      db
        .prepare(
          'SELECT child_pk, role, position, parent_sha256, parent_pk FROM image_lineage ORDER BY child_pk, role',
        )
        .all(),
    ).toEqual([
      { child_pk: 2048, role: 'source', position: 0, parent_sha256: sha('a'), parent_pk: 1024 },
      { child_pk: 2048, role: 'style', position: 0, parent_sha256: sha('f'), parent_pk: null },
      { child_pk: 3072, role: 'variation', position: 0, parent_sha256: sha('a'), parent_pk: 1024 },
    ]);
    // Deleting a parent keeps the edge by hash; deleting the child removes it.
    db.prepare('DELETE FROM images WHERE pk = 1024').run();
    expect(db.prepare('SELECT count(*) FROM image_lineage WHERE parent_pk IS NULL').pluck().get()).toBe(3);
    db.prepare('DELETE FROM images WHERE pk = 2048').run();
    expect(db.prepare('SELECT count(*) FROM image_lineage').pluck().get()).toBe(1);
    expect(() =>
      db.prepare("INSERT INTO image_lineage VALUES (3072, 'cousin', 0, ?, NULL)").run(sha('d')),
    ).toThrow(/CHECK/);
    db.close();
  });
});
