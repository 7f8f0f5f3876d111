import fs from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, screenshot, startStudio, type StudioProcess } from './harness.ts';

let browser: Browser;
let first: StudioProcess | null = null;
const dataDir = mkdtempSync(path.join(tmpdir(), 'studio-two-'));

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await first?.stop();
  await browser?.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('two processes on one data folder', () => {
  it('the second is refused with who holds it, and no job of the first is touched', async () => {
    // Slow enough that the jobs are still in flight when the second process starts.
    first = await startStudio({ dataDir, simTimeScale: 0.4 });
    const page = await browser.newPage({ viewport: { width: 1360, height: 880 } });
    await page.goto(first.openUrl);
    const prompts = ['A sign that reads "ONE"', 'A sign that reads "TWO"', 'A sign that reads "THREE"'];
    for (const prompt of prompts) {
      await page.getByLabel('Prompt').fill(prompt);
      await page.getByRole('button', { name: 'Generate' }).click();
    }
    await page.getByLabel('Queue').getByText('A sign that reads "THREE"').waitFor();

    let refusal = '';
    try {
      const second = await startStudio({ dataDir });
      await second.stop();
    } catch (error) {
      refusal = (error as Error).message;
    }
    expect(refusal).toMatch(/browser mode exited with 1/);
    expect(refusal).toMatch(new RegExp(`is in use by browser mode \\(pid \\d+, since `));
    expect(refusal).toContain(dataDir);

    for (const prompt of prompts) {
      await page
        .getByLabel('Library')
        .getByRole('img', { name: prompt })
        .first()
        .waitFor({ timeout: 90_000 });
    }
    await screenshot(page, 'two-processes-first-finished');
    await first.stop();
    first = null;

    const db = new Database(path.join(dataDir, 'library.sqlite3'), { readonly: true });
    const states = db.prepare('SELECT state, count(*) AS n FROM jobs GROUP BY state').all();
    db.close();
    expect(states).toEqual([{ state: 'completed', n: 3 }]);
  });
});
