import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { crashKit } from '../jobs/test-support/crash-kit.ts';
import { expectTrueCounts } from './test-support/batch-counts.ts';

const kit = crashKit(fileURLToPath(new URL('./test-support/batch-child.ts', import.meta.url)));
const runChild = kit.run;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('a batch through SIGKILLs', () => {
  it('killed mid-way five times and restarted: every row ends exactly once, none sent twice, its counters true', async () => {
    const scale = 0.05;
    const rows = 60;
    const { seed, random, simulator, args: base, read } = await kit.world({ label: 'batch crash', scale });

    const activeAtKill: number[] = [];
    for (let run = 0; run < 5; run++) {
      const { child, reached, exited } = runChild(
        run === 0 ? [...base, '--rows', String(rows)] : base,
        'ready',
      );
      await reached;
      await sleep(300 + random() * 1500);
      child.kill('SIGKILL');
      await exited;
      activeAtKill.push(
        read((db) => {
          // Queued before "ready": the batch is there, and what its row says is what its jobs say.
          const id = db.prepare('SELECT id FROM batches').pluck().get() as string;
          const counts = expectTrueCounts(db, id);
          return counts.total - counts.completed - counts.failed - counts.canceled;
        }),
      );
    }
    expect(activeAtKill[0]).toBeGreaterThan(0);
    const last = runChild(base, 'idle');
    await last.reached;
    expect(await last.exited).toBe(0);

    const result = read((db) => {
      const items = db
        .prepare(
          `SELECT bi.item, j.state, j.request_id, j.prompt, (SELECT count(*) FROM images i WHERE i.job_id = j.id) AS images
           FROM batch_items bi JOIN jobs j ON j.id = bi.job_id ORDER BY bi.item`,
        )
        .all() as {
        item: number;
        state: string;
        request_id: string | null;
        prompt: string;
        images: number;
      }[];
      const batch = db.prepare('SELECT * FROM batches').get() as Record<string, number>;
      const inCollection = db
        .prepare('SELECT count(*) FROM collection_images WHERE collection_id = ?')
        .pluck()
        .get(batch.collection_id) as number;
      return { items, batch, inCollection };
    });
    // One job per row, rows 2..61 as the spreadsheet numbers them.
    expect(result.items.map((item) => item.item)).toEqual(Array.from({ length: rows }, (_, i) => i + 2));
    const stats = simulator.stats();
    for (const item of result.items) {
      if (item.request_id !== null) {
        // Every request the app learned of was fetched and stored once.
        expect(item).toMatchObject({ state: 'completed', images: 1 });
      } else {
        // Cut off mid-submit: never resent on the app's own (it may have reached Segmind).
        expect(item).toMatchObject({ state: 'interrupted', images: 0 });
      }
      expect(stats.submitsByPrompt[item.prompt] ?? 0).toBeLessThanOrEqual(1);
    }
    const completed = result.items.filter((item) => item.state === 'completed').length;
    const interrupted = rows - completed;
    expect(result.batch).toMatchObject({
      total: rows,
      completed,
      failed: interrupted,
      waiting: 0,
      images: completed,
    });
    expect(result.inCollection).toBe(completed);
    console.info(
      `[batch crash] seed ${seed}: jobs unfinished at each kill ${activeAtKill.join(', ')}; ${completed} rows completed, ${interrupted} interrupted mid-submit (${stats.submits - completed} of those reached the simulator)`,
    );
  }, 180_000);
});
