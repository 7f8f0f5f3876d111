import Database from 'better-sqlite3';
import { parse } from 'csv-parse/sync';
import { afterEach, describe, expect, it } from 'vitest';
import { expandMatrix, matrixCost } from '../../shared/batches/matrix.ts';
import { estimate } from '../../shared/pricing.ts';
import { until } from '../jobs/test-support/engine-world.ts';
import { expectTrueCounts } from './test-support/batch-counts.ts';
import { createBatchWorld, type BatchWorld } from './test-support/batch-world.ts';

const SCALE = 0.01;
const worlds: BatchWorld[] = [];
afterEach(async () => {
  for (const world of worlds.splice(0)) await world.close();
});

async function world(maxInFlight = 8) {
  const w = await createBatchWorld({ scale: SCALE, engine: { maxInFlight } });
  worlds.push(w);
  return w;
}

describe('batches', () => {
  it('a 4 x 3 x 2 matrix gives 24 jobs, its shown price is the sum of their estimates, and the grid fills', async () => {
    const w = await world();
    const base = { prompt: 'A {red|blue} fox poster', rendering_speed: 'TURBO', resolution: '512x1536' };
    const axes = [
      { param: 'style_type', values: ['AUTO', 'GENERAL', 'REALISTIC', 'DESIGN'] },
      { param: 'rendering_speed', values: ['TURBO', 'DEFAULT', 'QUALITY'] },
    ];
    // What the page shows before the click: the same expansion, priced.
    const shown = matrixCost('ideogram-3', expandMatrix('ideogram-3', base, axes));
    expect(shown.jobs).toBe(24);
    const batch = await w.batches.startMatrix({ model: 'ideogram-3', params: base, axes, name: 'Fox grid' });
    expect(batch).toMatchObject({
      total: 24,
      origin: 'matrix',
      state: expect.stringMatching(/waiting|running/),
    });
    expect(batch.axes.map((axis) => axis.key)).toEqual(['style_type', 'rendering_speed', 'prompt#1']);
    const jobs = w.engine.list({ limit: 100 }).filter((job) => job.batchId === batch.id);
    expect(jobs).toHaveLength(24);
    const sum = jobs.reduce((total, job) => total + estimate(job.model, job.params).usd, 0);
    expect(shown.usd).toBeCloseTo(sum, 10);
    expect(batch.expectedUsd).toBeCloseTo(sum, 10);
    // Every job has a seed of its own, drawn once, and the prompt choice put in.
    expect(new Set(jobs.map((job) => job.params.seed)).size).toBe(24);
    expect(new Set(jobs.map((job) => job.prompt))).toEqual(
      new Set(['A red fox poster', 'A blue fox poster']),
    );

    w.engine.start();
    await until(() => w.batches.get(batch.id).state === 'done', 'the matrix to finish', 60_000);
    const done = w.batches.get(batch.id);
    expect(done).toMatchObject({ completed: 24, images: 24, waiting: 0, finishesAt: null });
    expect(done.spentUsd).toBeGreaterThan(0);
    const { cells } = w.batches.cells({ id: batch.id, offset: 0, limit: 100 });
    expect(cells.map((cell) => cell.values)).toContainEqual(['DESIGN', 'QUALITY', 'blue']);
    expect(cells.every((cell) => cell.imageIds.length === 1 && cell.state === 'completed')).toBe(true);
    // The batch's images are in its own collection.
    const collection = (await w.library.listCollections()).find((c) => c.id === done.collectionId);
    expect(collection).toMatchObject({ name: 'Batch: Fox grid', count: 24 });
    // Its end went out as a summary (they are throttled: far fewer than one per job change).
    await until(() => w.emitted.at(-1)?.state === 'done', 'the last summary');
    expect(w.emitted.length).toBeLessThan(24 * 4);
  });

  it('queues a file with bad rows skipped, exports a CSV with a column per parameter, and refuses to start unskipped', async () => {
    const w = await world();
    const lines = ['prompt,style_type,seed'];
    for (let i = 0; i < 20; i++) lines.push(`Badge ${i},${i % 2 ? 'DESIGN' : 'GENERAL'},${1000 + i}`);
    lines[5] = 'Badge 4,PLAID,1004';
    const draft = await w.batches.read({ name: 'badges.csv', text: lines.join('\n'), model: 'ideogram-3' });
    expect(draft).toMatchObject({ rowCount: 20, mapping: ['prompt', 'style_type', 'seed'], format: 'csv' });
    const choice = {
      draftId: draft.draftId,
      model: 'ideogram-3' as const,
      mapping: draft.mapping,
      fixed: { rendering_speed: 'TURBO', resolution: '512x1536' },
    };
    const check = await w.batches.check(choice);
    expect(check).toMatchObject({ rows: 20, valid: 19, invalid: 1, errorCount: 1 });
    expect(check.errors[0]!.message).toBe(
      'Row 6, column "style_type" (style_type): must be one of AUTO, GENERAL, REALISTIC, DESIGN',
    );
    await expect(w.batches.startFile({ ...choice, name: 'Badges', skipInvalid: false })).rejects.toThrow(
      /1 row\(s\) still have errors/,
    );
    // Fixed in place: then every row goes.
    w.batches.editCell({ draftId: draft.draftId, row: 6, column: 1, value: 'design' });
    expect(await w.batches.check(choice)).toMatchObject({ valid: 20, invalid: 0 });
    w.batches.editCell({ draftId: draft.draftId, row: 7, column: 2, value: '7' });
    const batch = await w.batches.startFile({ ...choice, name: 'Badges', skipInvalid: true });
    expect(batch.total).toBe(19);
    w.engine.start();
    await until(() => w.batches.get(batch.id).state === 'done', 'the file batch to finish', 60_000);

    const { fileName, text } = w.batches.exportCsv(batch.id);
    expect(fileName).toBe('badges.csv');
    const rows = parse(text, { columns: true }) as Record<string, string>[];
    expect(Object.keys(rows[0]!)).toEqual([
      'row',
      'prompt',
      'style_type',
      'rendering_speed',
      'resolution',
      'state',
      'file_name',
      'seed',
      'cost_usd',
      'text_check',
    ]);
    expect(rows).toHaveLength(19);
    expect(rows.map((row) => row.row)).not.toContain('7');
    expect(rows.find((row) => row.row === '6')).toMatchObject({
      style_type: 'DESIGN',
      prompt: 'Badge 4',
      seed: '1004',
      state: 'completed',
      text_check: '',
    });
    expect(
      rows.every((row) => /^\d{4}-\d\d-\d\d_badge-\d+_\w{8}\.(png|jpg|webp)$/.test(row.file_name!)),
    ).toBe(true);
    expect(rows.every((row) => Number(row.cost_usd) > 0)).toBe(true);
    // The ledger and the batch agree on what it cost.
    const db = new Database(w.db.name, { readonly: true });
    const booked = db
      .prepare(
        `SELECT sum(coalesce(actual_usd, estimate_usd)) FROM ledger WHERE job_id IN (SELECT job_id FROM batch_items WHERE batch_id = ?)`,
      )
      .pluck()
      .get(batch.id) as number;
    db.close();
    expect(w.batches.get(batch.id).spentUsd).toBeCloseTo(booked, 9);
  });

  it('queues a file in one pass: a start refused for a late bad row leaves no batch, job or collection, and the file cannot change while it goes in', async () => {
    const w = await world();
    const lines = ['prompt,style_type,seed'];
    for (let i = 0; i < 600; i++) lines.push(`Flyer ${i},${i % 2 ? 'DESIGN' : 'GENERAL'},${1000 + i}`);
    // Past the first chunk of jobs: some were already written, held, when this row is reached.
    lines[501] = 'Flyer 500,PLAID,1500';
    const draft = await w.batches.read({ name: 'flyers.csv', text: lines.join('\n'), model: 'ideogram-3' });
    const choice = {
      draftId: draft.draftId,
      model: 'ideogram-3' as const,
      mapping: draft.mapping,
      fixed: { rendering_speed: 'TURBO' },
    };
    await expect(w.batches.startFile({ ...choice, name: 'Flyers', skipInvalid: false })).rejects.toThrow(
      /1 row\(s\) still have errors/,
    );
    expect(w.batches.list()).toEqual([]);
    expect(w.engine.waiting(1000, 0)).toEqual([]);
    expect((await w.library.listCollections()).map((c) => c.name)).not.toContain('Batch: Flyers');

    // The file is still open: fixed, it starts; while its rows go in, a fix is refused.
    w.batches.editCell({ draftId: draft.draftId, row: 502, column: 1, value: 'realistic' });
    const started = w.batches.startFile({ ...choice, name: 'Flyers', skipInvalid: false });
    await new Promise((resolve) => setImmediate(resolve));
    expect(() => w.batches.editCell({ draftId: draft.draftId, row: 2, column: 1, value: 'AUTO' })).toThrow(
      /being queued/,
    );
    const batch = await started;
    expect(batch).toMatchObject({ total: 600, waiting: 600, origin: 'file' });
    expect(batch.axes.find((axis) => axis.param === 'style_type')?.values).toEqual([
      'GENERAL',
      'DESIGN',
      'REALISTIC',
    ]);
    const collection = (await w.library.listCollections()).find((c) => c.id === batch.collectionId);
    expect(collection?.name).toBe('Batch: Flyers');
    expect(w.engine.waiting(1000, 0).filter((job) => job.batchId === batch.id)).toHaveLength(600);
  });

  it("keeps a batch's counters equal to a full count of its jobs while it is queued, sent, canceled and finished", async () => {
    const w = await world(2);
    const lines = ['prompt,style_type,seed'];
    for (let i = 0; i < 700; i++) lines.push(`Tag ${i},DESIGN,${1000 + i}`);
    lines[300] = 'Tag 299,PLAID,1299';
    const draft = await w.batches.read({ name: 'tags.csv', text: lines.join('\n'), model: 'ideogram-3' });
    const choice = {
      draftId: draft.draftId,
      model: 'ideogram-3' as const,
      mapping: draft.mapping,
      fixed: { rendering_speed: 'TURBO', resolution: '512x1536' },
    };
    expect(await w.batches.check(choice)).toMatchObject({ valid: 699, invalid: 1 });
    // Queued from the check's answer (three chunks of items), then a matrix beside it.
    const batch = await w.batches.startFile({ ...choice, name: 'Tags', skipInvalid: true });
    expect(expectTrueCounts(w.db, batch.id)).toMatchObject({ total: 699, waiting: 699 });
    const matrix = await w.batches.startMatrix({
      model: 'ideogram-3',
      params: { prompt: 'Tag poster', rendering_speed: 'TURBO', resolution: '512x1536' },
      axes: [{ param: 'seed', values: [101, 102, 103] }],
      name: 'Seeds',
    });
    expect(expectTrueCounts(w.db, matrix.id)).toMatchObject({ total: 3, waiting: 3 });
    w.engine.start();
    await until(() => w.batches.get(batch.id).completed >= 2, 'two rows to finish');
    w.batches.cancelRest(batch.id);
    expectTrueCounts(w.db, batch.id);
    await until(() => w.batches.get(batch.id).state === 'done', 'what was sent to finish');
    await until(() => w.batches.get(matrix.id).state === 'done', 'the matrix to finish');
    const end = expectTrueCounts(w.db, batch.id);
    expect(end.completed + end.canceled).toBe(699);
    expect(expectTrueCounts(w.db, matrix.id)).toMatchObject({ completed: 3, images: 3, waiting: 0 });
  });

  it('holds a batch the user paused while its rows went in, and sends none of it until resumed', async () => {
    const w = await world();
    w.engine.start();
    const lines = ['prompt,seed'];
    for (let i = 0; i < 600; i++) lines.push(`Card ${i},${1000 + i}`);
    const draft = await w.batches.read({ name: 'cards.csv', text: lines.join('\n'), model: 'ideogram-3' });
    const started = w.batches.startFile({
      draftId: draft.draftId,
      model: 'ideogram-3',
      mapping: draft.mapping,
      fixed: { rendering_speed: 'TURBO' },
      name: 'Cards',
      skipInvalid: false,
    });
    await new Promise((resolve) => setImmediate(resolve));
    const [queuing] = w.batches.list();
    expect(queuing?.name).toBe('Cards');
    w.batches.pause(queuing!.id);
    const batch = await started;
    expect(batch).toMatchObject({ id: queuing!.id, total: 600, waiting: 600, paused: true, state: 'paused' });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(w.simulator.stats().submits).toBe(0);
    expect(w.engine.waiting(1000, 0).every((job) => job.held)).toBe(true);
    w.batches.resume(batch.id);
    await until(() => w.simulator.stats().submits > 0, 'the resumed batch to be sent');
  });

  it('checks a big file a turn of the loop at a time: timers still run while it is checked', async () => {
    const w = await world();
    const lines = ['prompt,seed'];
    for (let i = 0; i < 3000; i++) lines.push(`Label ${i},${i < 2 ? 7 : 1000 + i}`);
    const draft = await w.batches.read({ name: 'labels.csv', text: lines.join('\n'), model: 'ideogram-3' });
    let ticks = 0;
    const timer = setInterval(() => ticks++, 0);
    let ticksWhenDone = -1;
    const checked = w.batches
      .check({ draftId: draft.draftId, model: 'ideogram-3', mapping: draft.mapping, fixed: {} })
      .then((result) => {
        ticksWhenDone = ticks;
        return result;
      });
    const result = await checked;
    clearInterval(timer);
    expect(result).toMatchObject({ rows: 3000, valid: 2998, invalid: 2, errorCount: 2 });
    expect(result.errors.map((error) => error.row)).toEqual([2, 3]);
    expect(ticksWhenDone).toBeGreaterThan(0);
  });

  it('pauses one batch in place while others go, cancels the rest of it, and drops a batch a crash left half queued', async () => {
    const w = await world(2);
    const make = (name: string, n: number) =>
      w.batches.startMatrix({
        model: 'ideogram-3',
        params: { prompt: `${name} poster`, rendering_speed: 'TURBO', resolution: '512x1536' },
        axes: [{ param: 'seed', values: Array.from({ length: n }, (_, i) => 500 + i) }],
        name,
      });
    const first = await make('First', 6);
    const second = await make('Second', 3);
    w.batches.pause(first.id);
    expect(w.batches.get(first.id)).toMatchObject({ state: 'paused', paused: true, finishesAt: null });
    w.engine.start();
    await until(() => w.batches.get(second.id).state === 'done', 'the second batch to finish');
    expect(w.batches.get(first.id)).toMatchObject({ completed: 0, waiting: 6, state: 'paused' });
    w.batches.resume(first.id);
    await until(() => w.batches.get(first.id).completed >= 1, 'the first batch to start');
    const after = w.batches.cancelRest(first.id);
    await until(() => w.batches.get(first.id).state === 'done', 'what was sent to finish');
    const end = w.batches.get(first.id);
    expect(end.completed + end.canceled).toBe(6);
    expect(end.canceled).toBe(after.canceled);
    expect(end.canceled).toBeGreaterThan(0);
    expect(w.simulator.stats().submits).toBe(3 + end.completed);

    // A batch whose rows were still going in when the app died: staged, never sent, dropped at start.
    w.db
      .prepare(
        `INSERT INTO batches (id, name, origin, model, created_at, phase, axes, params) VALUES ('batch-00000000-0000-0000-0000-000000000000', 'Cut', 'file', 'ideogram-3', 1, 'queuing', '[]', '[]')`,
      )
      .run();
    w.engine.enqueue(
      'batch-00000000-0000-0000-0000-000000000000',
      [{ model: 'ideogram-3', params: { prompt: 'cut', rendering_speed: 'TURBO' } }],
      { held: false, staged: true },
    );
    // The running submitter looks at the queue and finds nothing it may send.
    w.engine.budgetChanged();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(w.simulator.stats().submitsByPrompt.cut).toBeUndefined();
    expect(w.engine.waiting(10, 0).map((job) => [job.prompt, job.state])).toEqual([['cut', 'queued']]);
    w.batches.start();
    expect(w.batches.list().map((b) => b.name)).toEqual(['Second', 'First']);
    expect(w.engine.waiting(10, 0)).toEqual([]);
  });
});
