import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, quickCheck, schemaVersion } from '../database.ts';
import { m001 } from './001-library.ts';
import { m002 } from './002-jobs.ts';
import { m003 } from './003-library-order.ts';
import { m004 } from './004-search-columns.ts';
import { m005 } from './005-ledger.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});
function tempFile(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'library-m005-'));
  dirs.push(dir);
  return path.join(dir, 'library.db');
}

const insertJob = `INSERT INTO jobs (id, model, params, prompt, state, request_id, status_url, response_url, created_at,
    submitted_at, updated_at, estimate_key, image_ids, credits_spent, batch_id)
  VALUES (@id, @model, @params, 'fox', @state, @request_id, @url, @url, 1, @submitted_at, 5, 'k', @image_ids, @credits, @id)`;
const job = (id: string, over: Record<string, unknown> = {}) => ({
  id,
  model: 'ideogram-3',
  params: '{"prompt":"fox","rendering_speed":"TURBO"}',
  state: 'queued',
  request_id: null,
  url: null,
  submitted_at: null,
  image_ids: '[]',
  credits: null,
  ...over,
});
const sent = (id: string, state: string, credits: number | null, images = '[]') =>
  job(id, { state, request_id: `req-${id}`, url: 'http://x/s', submitted_at: 3, credits, image_ids: images });

describe('migration 005 (ledger)', () => {
  it('books the requests charged before it, once each, and leaves unsent jobs out', () => {
    const file = tempFile();
    const v4 = openDatabase(file, { migrations: [m001, m002, m003, m004] });
    const insert = v4.prepare(insertJob);
    insert.run(sent('done', 'completed', 0.03, '["i1"]'));
    insert.run(sent('blocked', 'failed', null));
    insert.run(sent('running', 'submitted', null));
    insert.run(sent('paid', 'submitted', 0.06));
    insert.run(sent('four', 'completed', null, '["a","b","c","d"]'));
    insert.run(job('waiting'));
    // Two images of the 4-image job in a collection before the upgrade.
    const image = v4.prepare(
      `INSERT INTO images (id, sha256, format, bytes, width, height, model, prompt, params, source, created_at, job_id, output_index)
       VALUES (?, ?, 'png', 1, 1, 1, 'ideogram-4', 'p', '{}', 'generated', 3, 'four', ?)`,
    );
    const pks = [0, 1, 2].map((i) => Number(image.run(`img${i}`, String(i).repeat(64), i).lastInsertRowid));
    const album = Number(
      v4.prepare("INSERT INTO collections (name, created_at) VALUES ('Album', 0)").run().lastInsertRowid,
    );
    const linkV4 = v4.prepare(
      'INSERT INTO collection_images (collection_id, image_pk, added_at) VALUES (?, ?, 0)',
    );
    linkV4.run(album, pks[0]);
    linkV4.run(album, pks[1]);
    v4.close();

    const v5 = openDatabase(file, { migrations: [m001, m002, m003, m004, m005] });
    const link = v5.prepare(
      'INSERT INTO collection_images (collection_id, image_pk, added_at) VALUES (?, ?, 0)',
    );
    expect(schemaVersion(v5)).toBe(5);
    const rows = v5
      .prepare(
        'SELECT job_id, request_id, images, price_tier, estimate_usd, actual_usd, charged_at, outcome FROM ledger ORDER BY job_id',
      )
      .all();
    expect(rows).toEqual([
      {
        job_id: 'blocked',
        request_id: 'req-blocked',
        images: 1,
        price_tier: 'TURBO',
        estimate_usd: null,
        actual_usd: null,
        charged_at: 3,
        outcome: 'failed',
      },
      {
        job_id: 'done',
        request_id: 'req-done',
        images: 1,
        price_tier: 'TURBO',
        estimate_usd: null,
        actual_usd: 0.03,
        charged_at: 3,
        outcome: 'completed',
      },
      {
        job_id: 'four',
        request_id: 'req-four',
        images: 4,
        price_tier: 'TURBO',
        estimate_usd: null,
        actual_usd: null,
        charged_at: 3,
        outcome: 'completed',
      },
      {
        job_id: 'paid',
        request_id: 'req-paid',
        images: 1,
        price_tier: 'TURBO',
        estimate_usd: null,
        actual_usd: 0.06,
        charged_at: 3,
        outcome: 'submitted',
      },
    ]);

    // From now on the trigger books a request in the statement that settles it, with the kept estimate.
    v5.prepare(
      "INSERT INTO job_costs (job_id, estimate_usd, images, price_tier, estimated_at) VALUES ('running', 0.0375, 1, 'TURBO', 2)",
    ).run();
    v5.prepare("UPDATE jobs SET state = 'completed', updated_at = 9 WHERE id = 'running'").run();
    expect(
      v5.prepare("SELECT estimate_usd, actual_usd, outcome FROM ledger WHERE job_id = 'running'").get(),
    ).toEqual({
      estimate_usd: 0.0375,
      actual_usd: null,
      outcome: 'completed',
    });
    // The per-day rollup the budget reads holds the same sums, on the local calendar day.
    const day = new Date(3);
    const pad = (n: number) => String(n).padStart(2, '0');
    expect(
      v5.prepare('SELECT day, model, usd, estimated_usd, images, requests FROM ledger_days').all(),
    ).toEqual([
      {
        day: `${day.getFullYear()}-${pad(day.getMonth() + 1)}-${pad(day.getDate())}`,
        model: 'ideogram-3',
        usd: 0.03 + 0.06 + 0.0375,
        estimated_usd: 0.0375,
        images: 8,
        requests: 5,
      },
    ]);
    // What the collection's images cost, per local month: nothing named a charge for the 4-image job
    // before the upgrade and no estimate was kept, so the backfill books it at zero; a late charge
    // named now is not an edit of that row but part of the job's history, so the sums stay.
    const month = `${day.getFullYear()}-${pad(day.getMonth() + 1)}`;
    const spend = () => v5.prepare('SELECT month, usd FROM collection_spend').all();
    expect(spend()).toEqual([{ month, usd: 0 }]);
    v5.prepare(insertJob).run(job('later'));
    v5.prepare(
      "INSERT INTO job_costs (job_id, estimate_usd, images, price_tier, estimated_at) VALUES ('later', 0.4, 4, 'TURBO', 2)",
    ).run();
    v5.prepare(
      `UPDATE jobs SET state = 'submitted', request_id = 'req-later', status_url = 'u', response_url = 'u',
         submitted_at = 3, credits_spent = 0.4 WHERE id = 'later'`,
    ).run();
    v5.prepare("UPDATE images SET job_id = 'later' WHERE pk IN (?, ?, ?)").run(...pks);
    // Images joining or leaving a collection carry their share of their requests' cost.
    link.run(album, pks[2]);
    expect(spend()).toEqual([{ month, usd: 0.1 }]);
    v5.prepare('DELETE FROM collection_images WHERE image_pk = ?').run(pks[2]);
    expect(spend()).toEqual([{ month, usd: 0 }]);
    v5.prepare('DELETE FROM collections').run();
    expect(spend()).toEqual([]);
    // Nothing edits or removes a row, and settling again adds nothing.
    expect(() => v5.prepare('UPDATE ledger SET actual_usd = 1').run()).toThrow(/never edited/);
    expect(() => v5.prepare('DELETE FROM ledger').run()).toThrow(/never deleted/);
    v5.prepare("UPDATE jobs SET state = 'completed', credits_spent = 0.5 WHERE id = 'done'").run();
    expect(v5.prepare('SELECT count(*) FROM ledger').pluck().get()).toBe(6);
    // Removing a job from the queue keeps what it cost.
    v5.prepare("DELETE FROM jobs WHERE id = 'done'").run();
    expect(v5.prepare("SELECT count(*) FROM ledger WHERE job_id = 'done'").pluck().get()).toBe(1);
    expect(quickCheck(v5)).toEqual([]);
    v5.close();
  });
});
