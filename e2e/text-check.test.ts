import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { screenshot, studioSuite } from './harness.ts';

const grid = (page: Page) => page.getByLabel('Library');

describe('text check, simulator misspelling every quoted phrase', () => {
  const suite = studioSuite({ simTimeScale: 0.05, env: { STUDIO_SIM_MISSPELL: '1' } });

  it(
    'marks the tile, says in the detail view what it read, and the filter finds it',
    { timeout: 180_000 },
    async () => {
      const { page, pageErrors } = await suite.open({
        viewport: { width: 1360, height: 900 },
      });

      const prompt = 'A shop sign that says "OPEN LATE"';
      await page.getByLabel('Prompt').fill(prompt);
      // 3.0's magic prompt defaults to AUTO, which may rewrite quoted words: the editor says so.
      const warning = page.getByText(/Magic prompt is on: it may rewrite the words in quotes/);
      await warning.waitFor();
      await page.getByRole('button', { name: 'Exact text' }).click();
      await warning.waitFor({ state: 'detached' });
      await page.getByRole('button', { name: 'Generate' }).click();

      const tile = grid(page)
        .getByRole('gridcell')
        .filter({ has: page.getByRole('img', { name: prompt }) });
      await tile.first().waitFor({ timeout: 60_000 });
      // The job is done and its tile shown first; the mark comes when the check has read the image.
      const mark = tile.getByTitle('Text needs attention');
      await mark.waitFor({ timeout: 90_000 });
      await screenshot(page, 'text-check-mark');

      await grid(page).getByRole('img', { name: prompt }).first().dblclick();
      const detail = page.getByRole('dialog', { name: 'Image details' });
      const section = detail.getByRole('region', { name: 'Text check' });
      await section.getByText('The text needs attention.').waitFor();
      const verdict = await section.getByRole('listitem').first().innerText();
      expect(verdict).toMatch(/OPEN LATE.*(misspelled: reads “(.+)”|not found)/);
      const read = /reads “(.+)”/.exec(verdict)?.[1];
      if (read !== undefined) expect(read.replace(/\s/g, '').toUpperCase()).not.toBe('OPENLATE');
      await screenshot(page, 'text-check-detail');
      await detail.getByRole('button', { name: 'Close' }).click();

      await page.getByLabel('Text filter').selectOption('attention');
      await expect.poll(() => grid(page).getByRole('img', { name: prompt }).count()).toBe(1);
      await page.getByLabel('Text filter').selectOption('ok');
      await expect.poll(() => grid(page).getByRole('img', { name: prompt }).count()).toBe(0);
      await page.getByLabel('Text filter').selectOption('');
      expect(pageErrors).toEqual([]);
      await page.close();
    },
  );
});
