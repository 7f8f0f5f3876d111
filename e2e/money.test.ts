import Database from 'better-sqlite3';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../src/main/simulator/index.ts';
import { formatUsd } from '../src/shared/pricing.ts';
import {
  launchBrowser,
  openStudioPage,
  listJobs as listJobsOf,
  screenshot,
  startStudio,
  type StudioProcess,
} from './harness.ts';

/**
 * Money in a real browser: the estimate before Generate, the balance in the header, a daily budget
 * that holds a job back and lets it go when raised, variations that ask first, and a Spend view that
 * adds up to the ledger. The "live" Segmind is a simulator the test can ask for its own balance.
 */

const KEY = 'SG_e2e0money0key0042';
let simulator: Simulator;
let studio: StudioProcess;
let browser: Browser;
let page: Page;
let pageErrors: string[];

const estimateText = () => page.getByTestId('cost-estimate').textContent();
const balanceText = () => page.getByTestId('balance').textContent();
const banner = () => page.locator('.banner');
const settings = () => page.getByRole('dialog', { name: 'Settings' });
const jobs = () => page.getByRole('list', { name: 'Jobs' });

async function pickModel(label: string): Promise<void> {
  await page.getByRole('radio', { name: label, exact: true }).check();
}

async function speed(label: string): Promise<void> {
  await page.getByRole('group', { name: 'Rendering speed' }).getByRole('radio', { name: label }).check();
}

async function generate(prompt: string): Promise<void> {
  await page.getByLabel('Prompt').fill(prompt);
  await page.getByRole('button', { name: 'Generate' }).click();
}

const listJobs = () => listJobsOf(page);

async function jobState(prompt: string): Promise<string | undefined> {
  return (await listJobs()).find((job) => job.prompt === prompt)?.state;
}

async function setMoney(label: string, value: string): Promise<void> {
  const input = settings().getByLabel(label);
  await input.fill(value);
  await input.press('Enter');
}

async function openSettings(): Promise<void> {
  await page.getByRole('button', { name: 'Settings', exact: true }).click();
  await settings().waitFor();
}

async function closeSettings(): Promise<void> {
  await settings().getByRole('button', { name: 'Close' }).click();
  await settings().waitFor({ state: 'hidden' });
}

/** The ledger as the app wrote it, read beside the running app (WAL lets a reader in). */
function ledgerTotals(): { usd: number; images: number; requests: number } {
  const db = new Database(join(studio.dataDir, 'library.sqlite3'), { readonly: true });
  try {
    return db
      .prepare(
        'SELECT coalesce(sum(coalesce(actual_usd, estimate_usd, 0)), 0) AS usd, coalesce(sum(images), 0) AS images, count(*) AS requests FROM ledger',
      )
      .get() as { usd: number; images: number; requests: number };
  } finally {
    db.close();
  }
}

beforeAll(async () => {
  simulator = await startSimulator({ apiKey: KEY, timeScale: 0.02, credits: 10 });
  studio = await startStudio({ env: { SEGMIND_API_KEY: KEY, SEGMIND_BASE_URL: simulator.url } });
  browser = await launchBrowser();
  ({ page, pageErrors } = await openStudioPage(browser, studio, {
    viewport: { width: 1440, height: 960 },
    consoleErrors: true,
  }));
});

afterAll(async () => {
  await browser?.close();
  await studio?.stop();
  await simulator?.close();
});

describe('money in the studio', () => {
  it("shows the account's balance as Segmind (here the simulator) reports it", async () => {
    const { credits, freeCredits } = simulator.balance();
    await expect.poll(balanceText, { timeout: 15_000 }).toBe(`Balance ${formatUsd(credits + freeCredits)}`);
  });

  it('shows the estimate before Generate, following model, speed and num_images', async () => {
    await pickModel('Ideogram 3.0');
    await expect.poll(estimateText).toBe('1 image · about $0.075');
    await speed('Quality');
    await expect.poll(estimateText).toBe('1 image · about $0.11');
    await speed('Turbo');
    await expect.poll(estimateText).toBe('1 image · about $0.038');
    await pickModel('Ideogram 4.0');
    await expect.poll(estimateText).toBe('1 image · about $0.13');
    await page.getByLabel('Number of images').fill('4');
    await expect.poll(estimateText).toBe('4 images · about $0.50');
    await speed('Turbo');
    await expect.poll(estimateText).toBe('4 images · about $0.15');
    await screenshot(page, 'money-estimate');
    await page.getByLabel('Number of images').fill('1');
    await pickModel('Ideogram 3.0');
  });

  it('lets one job through a daily cap of one image, holds the next with one banner, and resumes when raised', async () => {
    await openSettings();
    await setMoney('Daily budget (USD)', '0.0375');
    await closeSettings();
    await speed('Turbo');
    await generate('A lantern sign that reads "ONE"');
    await expect
      .poll(() => jobState('A lantern sign that reads "ONE"'), { timeout: 60_000 })
      .toBe('completed');
    await generate('A lantern sign that reads "TWO"');
    await banner().getByText('Budget reached', { exact: true }).waitFor({ timeout: 30_000 });
    await expect
      .poll(() => banner().textContent())
      .toMatch(/Daily budget reached: \$0\.03 of \$0\.038\. Raise it or wait until tomorrow\./);
    // Waiting, not failed.
    expect(await jobState('A lantern sign that reads "TWO"')).toBe('queued');
    expect(await page.locator('.banner').count()).toBe(1);
    await screenshot(page, 'money-budget-banner');

    // Canceled before Segmind took it: Retry sends a new request, and says what it costs first.
    const waiting = page.getByRole('list', { name: 'Waiting jobs' });
    await waiting
      .getByRole('listitem', { name: 'Waiting 1: A lantern sign that reads "TWO"' })
      .getByRole('button', { name: 'Cancel' })
      .click();
    await expect.poll(() => jobState('A lantern sign that reads "TWO"')).toBe('canceled');
    const canceled = jobs().getByRole('listitem').filter({ hasText: 'A lantern sign that reads "TWO"' });
    await canceled.getByRole('button', { name: 'Retry · about $0.03' }).click();
    await expect.poll(() => jobState('A lantern sign that reads "TWO"')).toBe('queued');

    await banner().getByRole('button', { name: 'Raise budget' }).click();
    await setMoney('Daily budget (USD)', '5');
    await closeSettings();
    await expect
      .poll(() => jobState('A lantern sign that reads "TWO"'), { timeout: 60_000 })
      .toBe('completed');
    await expect.poll(() => banner().count()).toBe(0);
    // Each job shows what Segmind charged for it.
    await expect.poll(() => jobs().getByTestId('job-cost').first().textContent()).toBe('$0.03');
  });

  it('follows the balance down after jobs', async () => {
    const { credits } = simulator.balance();
    expect(credits).toBeCloseTo(9.94, 6);
    await expect.poll(balanceText, { timeout: 15_000 }).toBe('Balance $9.94');
  });

  it('makes variations one image each, saying the count and price, and asks first above the threshold', async () => {
    await pickModel('Ideogram 4.0');
    await speed('Turbo');
    await page.getByLabel('Number of images').fill('3');
    const prompt = 'Three badges that read "VARY"';
    await generate(prompt);
    await expect.poll(() => jobState(prompt), { timeout: 60_000 }).toBe('completed');
    await page.getByLabel('Number of images').fill('1');

    await openSettings();
    await setMoney('Ask before several jobs costing more than (USD)', '0.05');
    await closeSettings();

    const image = page.getByLabel('Library', { exact: true }).getByRole('img', { name: prompt }).first();
    await image.waitFor({ timeout: 30_000 });
    await image.dblclick();
    const detail = page.getByRole('dialog', { name: 'Image details' });
    // Observed charges have corrected the estimate to the simulator's $0.03 per image.
    const button = detail.getByRole('button', { name: '4 variations · 4 images · about $0.12' });
    await button.click();
    const confirm = page.getByRole('dialog', { name: '4 variations?' });
    await confirm.getByText('4 jobs, 4 images, about $0.12.').waitFor();
    await screenshot(page, 'money-variations-confirm');
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    await confirm.waitFor({ state: 'hidden' });
    const before = simulator.stats().submits;
    await page.waitForTimeout(300);
    expect(simulator.stats().submits).toBe(before);

    await button.click();
    await confirm.getByRole('button', { name: 'Make 4 images' }).click();
    await detail.getByText('4 variations (4 images, about $0.12) are in the queue.').waitFor();
    await detail.getByRole('button', { name: 'Close' }).click();
    await expect
      .poll(
        async () =>
          (await listJobs()).filter(
            (job) => job.prompt === prompt && job.state === 'completed' && job.params.num_images === 1,
          ).length,
        { timeout: 60_000 },
      )
      .toBe(4);
  });

  it('adds up in the Spend view to what the ledger holds', async () => {
    const ledger = ledgerTotals();
    expect(ledger.requests).toBe(7);
    await page.getByRole('button', { name: 'Spend', exact: true }).click();
    const spend = page.getByRole('dialog', { name: 'Spend' });
    await expect
      .poll(() => spend.getByTestId('spend-today').locator('strong').textContent())
      .toBe(formatUsd(ledger.usd));
    await expect
      .poll(() => spend.getByTestId('spend-all-time').textContent())
      .toContain(
        `All time: ${formatUsd(ledger.usd)} for ${ledger.images} images in ${ledger.requests} requests.`,
      );
    await spend.getByRole('table', { name: 'This month by model' }).getByText('Ideogram 4.0').waitFor();
    await spend.getByRole('img', { name: /Spend per day over the last 30 days/ }).waitFor();
    await screenshot(page, 'money-spend-view');
    await spend.getByRole('button', { name: 'Close' }).click();
    expect(pageErrors).toEqual([]);
  });
});
