import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  dropFiles,
  holdAnswers,
  launchBrowser,
  openStudioPage,
  listJobs,
  screenshot,
  startStudio,
  type StudioProcess,
} from './harness.ts';

/**
 * Batches in a real browser: a CSV dropped on the app, its columns mapped by hand where the headers
 * do not say, its errors listed by row and column, one fixed in place and one skipped; started,
 * paused (the batch and the whole queue), reordered (to the front and by dragging), resumed; the
 * grid fills as images land, and the batch exports as CSV.
 */

let studio: StudioProcess;
let browser: Browser;
let page: Page;
let pageErrors: string[];

interface PageJob {
  id: string;
  prompt: string;
  state: string;
  submittedAt: number | null;
  batchId: string;
}

const jobs = () => listJobs<PageJob>(page, { limit: 1000 });

const ROWS = 8;
function campaignCsv(): string {
  const lines = ['Headline,style_type,Notes'];
  for (let i = 1; i <= ROWS; i++)
    lines.push(`"A poster that says ""SALE ${i}""",${i % 2 ? 'DESIGN' : 'GENERAL'},internal`);
  // Two bad rows: spreadsheet rows 3 and 6.
  lines[2] = '"A poster that says ""SALE 2""",PLAID,internal';
  lines[5] = ',GENERAL,internal';
  return `${lines.join('\n')}\n`;
}

beforeAll(async () => {
  studio = await startStudio({ simTimeScale: 0.05 });
  browser = await launchBrowser();
  ({ page, pageErrors } = await openStudioPage(browser, studio, {
    viewport: { width: 1440, height: 960 },
    acceptDownloads: true,
    consoleErrors: true,
  }));
  await page.getByRole('heading', { name: 'Queue' }).waitFor();
});

afterAll(async () => {
  await browser?.close();
  await studio?.stop();
});

describe('a batch from a file', () => {
  const dialog = () => page.getByRole('dialog', { name: 'Batch from a file' });
  const card = () => page.getByRole('listitem', { name: 'Batch Spring sale' });
  let batchId = '';

  it('drops a CSV, maps a column by hand, and lists each bad row with its column and what is allowed', async () => {
    // Paused first, so the order can be changed before anything is sent.
    await page.getByRole('button', { name: 'Pause queue' }).click();
    await dropFiles(page.getByRole('heading', { name: 'Queue' }), [
      { name: 'spring-sale.csv', type: 'text/csv', bytes: Buffer.from(campaignCsv()) },
    ]);
    await dialog().waitFor();
    // "Headline" names no parameter: it is mapped by hand; style_type maps itself.
    const headline = dialog().getByLabel('Parameter for column Headline');
    expect(await headline.inputValue()).toBe('');
    expect(await dialog().getByLabel('Parameter for column style_type').inputValue()).toBe('style_type');
    await dialog().getByText('No column goes to prompt').waitFor();
    await headline.selectOption('prompt');
    const errors = dialog().getByRole('list', { name: 'Row errors' });
    await expect
      .poll(() => errors.getByRole('listitem').allTextContents())
      .toEqual([
        expect.stringContaining(
          'Row 3, column "style_type" (style_type): must be one of AUTO, GENERAL, REALISTIC, DESIGN',
        ),
        expect.stringContaining('Row 6, column "Headline" (prompt): is required'),
      ]);
    await expect
      .poll(() => dialog().getByTestId('batch-check').textContent())
      .toMatch(/^6 rows ready, 2 with errors · 6 images · about \$0\.45/);
    await screenshot(page, 'batch-errors');

    // Row 3 fixed in place; row 6 skipped.
    await dialog().getByLabel('New value for row 3, style_type').fill('realistic');
    await dialog().getByRole('button', { name: 'Fix' }).first().click();
    await expect
      .poll(() => dialog().getByTestId('batch-check').textContent())
      .toMatch(/^7 rows ready, 1 with errors/);
    const start = dialog().getByRole('button', { name: /^Start 7 images/ });
    expect(await start.isDisabled()).toBe(true);
    await dialog().getByLabel('Batch name').fill('Spring sale');
    await dialog().getByLabel('Skip the 1 row with errors').check();
    await start.click();
    await dialog().waitFor({ state: 'hidden' });
    await card().waitFor();
    await expect.poll(() => card().getByTestId('batch-progress').textContent()).toBe('0 of 7 · 0 images');
    const batchJobs = (await jobs()).filter((job) => job.batchId.startsWith('batch-'));
    expect(batchJobs).toHaveLength(7);
    batchId = batchJobs[0]!.batchId;
  });

  it('pauses the batch in place, moves a job to the front and drags another, then resumes in that order', async () => {
    await page.locator('.banner').getByText('Queue paused').waitFor();
    await card().getByRole('button', { name: 'Pause batch' }).click();
    await card().getByText('Paused', { exact: true }).waitFor();
    // A lone job made meanwhile goes behind the batch; it is moved to the front.
    await page.getByLabel('Prompt').fill('A lone badge that says "FIRST"');
    await page.getByRole('button', { name: 'Generate' }).click();
    const waiting = page.getByRole('list', { name: 'Waiting jobs' });
    await expect.poll(() => waiting.getByRole('listitem').count()).toBe(8);
    const lone = waiting.getByRole('listitem', { name: /FIRST/ });
    await lone.getByRole('button', { name: 'To front' }).click();
    await expect
      .poll(() => waiting.getByRole('listitem').first().getAttribute('aria-label'))
      .toMatch(/^Waiting 1: A lone badge/);
    await expect.poll(() => waiting.getByRole('listitem').nth(1).textContent()).toContain('Batch paused');
    // The batch's last row dragged to just after the lone job.
    const last = waiting.getByRole('listitem', { name: /SALE 8/ });
    await last.dragTo(waiting.getByRole('listitem').nth(1));
    await expect
      .poll(() => waiting.getByRole('listitem').nth(1).getAttribute('aria-label'))
      .toMatch(/SALE 8/);
    await screenshot(page, 'batch-reordered');

    await card().getByRole('button', { name: 'Resume batch' }).click();
    await page.locator('.banner').getByRole('button', { name: 'Resume' }).click();
    await expect
      .poll(async () => (await jobs()).filter((job) => job.state === 'completed').length, { timeout: 90_000 })
      .toBe(8);
    const sent = (await jobs()).sort((a, b) => (a.submittedAt ?? 0) - (b.submittedAt ?? 0));
    expect(sent[0]!.prompt).toBe('A lone badge that says "FIRST"');
    expect(sent.slice(1, 3).map((job) => job.prompt)).toContain('A poster that says "SALE 8"');
  });

  it('fills the grid by what the file varies and exports the batch as CSV', async () => {
    await card().getByRole('button', { name: 'Grid' }).click();
    const grid = page.getByRole('dialog', { name: 'Grid: Spring sale' });
    const table = grid.getByRole('table', { name: 'Results by parameter' });
    await expect.poll(() => table.getByRole('img').count(), { timeout: 30_000 }).toBe(7);
    await expect.poll(() => card().getByTestId('batch-progress').textContent()).toBe('7 of 7 · 7 images');
    await table.getByRole('columnheader', { name: 'Style type: DESIGN' }).waitFor();
    await screenshot(page, 'batch-grid');
    // Any two cells open in compare.
    await table.getByRole('img').nth(0).click();
    await table.getByRole('img').nth(3).click();
    await grid.getByRole('button', { name: 'Compare 2/2' }).click();
    const compare = page.getByRole('dialog', { name: /Compare/ });
    await compare.getByRole('img').first().waitFor();
    await screenshot(page, 'batch-compare');
    await compare.getByRole('button', { name: 'Close' }).click();
    await grid.getByRole('button', { name: 'Close' }).click();

    const download = page.waitForEvent('download');
    await card().getByRole('button', { name: 'Export CSV' }).click();
    const file = await download;
    expect(file.suggestedFilename()).toBe('spring-sale.csv');
    const rows = parse(readFileSync((await file.path())!, 'utf8'), { columns: true }) as Record<
      string,
      string
    >[];
    expect(rows).toHaveLength(7);
    expect(Object.keys(rows[0]!)).toEqual([
      'row',
      'prompt',
      'style_type',
      'state',
      'file_name',
      'seed',
      'cost_usd',
      'text_check',
    ]);
    expect(rows.map((row) => row.row)).toEqual(['2', '3', '4', '5', '7', '8', '9']);
    expect(rows.find((row) => row.row === '3')).toMatchObject({
      style_type: 'REALISTIC',
      state: 'completed',
    });
    expect(
      rows.every(
        (row) =>
          row.file_name!.endsWith('.png') ||
          row.file_name!.endsWith('.jpg') ||
          row.file_name!.endsWith('.webp'),
      ),
    ).toBe(true);
    expect(rows.every((row) => Number(row.seed) >= 100 && Number(row.cost_usd) > 0)).toBe(true);
    expect(batchId).toMatch(/^batch-/);
    expect(pageErrors).toEqual([]);
  });

  it('forgets a file whose reading answers after the user closed the dialog', async () => {
    // Main's answer is held back, as a big file read on a busy machine is late.
    const read = await holdAnswers(page, 'batches:read');
    await dropFiles(page.getByRole('heading', { name: 'Queue' }), [
      { name: 'closed-early.csv', type: 'text/csv', bytes: Buffer.from(campaignCsv()) },
    ]);
    await dialog().waitFor();
    await dialog().getByRole('button', { name: 'Close' }).click();
    await dialog().waitFor({ state: 'hidden' });
    await read.release();
    await page.getByRole('button', { name: 'Batch from file…' }).click();
    await dialog().waitFor();
    // The dialog opens on choosing a file, not on the draft the user walked away from.
    expect(await dialog().getByText('closed-early.csv').count()).toBe(0);
    expect(await dialog().getByLabel('Parameter for column Headline').count()).toBe(0);
    await dialog().getByRole('button', { name: 'Close' }).click();
    expect(pageErrors).toEqual([]);
  });
});
