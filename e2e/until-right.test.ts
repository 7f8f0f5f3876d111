import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { pageRpc, screenshot, studioSuite } from './harness.ts';

const grid = (page: Page) => page.getByLabel('Library');

describe('until it is right, simulator misspelling the first request of each prompt', () => {
  const suite = studioSuite({ simTimeScale: 0.05, env: { STUDIO_SIM_MISSPELL_FIRST: '1' } });

  it(
    'marks the wrong image, says what it read, the filter finds it, and the retry yields an image that reads right',
    { timeout: 240_000 },
    async () => {
      const { page, pageErrors } = await suite.open({
        viewport: { width: 1360, height: 900 },
      });
      // Asked before spending more than $0.30 (the page reads it at load).
      await pageRpc(page, 'settings:update', { askAboveUsd: 0.3 });
      await page.reload();

      const prompt = 'A shop sign that says "OPEN LATE"';
      // Offered only once the prompt quotes text.
      const option = page.getByRole('checkbox', { name: 'Until it’s right' });
      await page.getByLabel('Prompt').fill('A shop sign');
      expect(await option.count()).toBe(0);
      await page.getByLabel('Prompt').fill(prompt);
      await page.getByRole('button', { name: 'Exact text' }).click();
      await option.check();
      // The extra cost is said before the click: two retries of one QUALITY image.
      const extra = page.getByTestId('until-right-cost');
      await expect
        .poll(() => extra.innerText())
        .toMatch(/^up to 2 more images if the text is wrong, up to \$0\.23 more$/);
      expect(await page.getByTestId('cost-estimate').innerText()).toBe('1 image · about $0.11');
      await screenshot(page, 'until-right-compose');

      // One image ($0.11) is under the $0.30 threshold set above, the worst case of three ($0.34) is not.
      await page.getByRole('button', { name: 'Generate' }).click();
      const confirm = page.getByRole('dialog', { name: 'Generate until the text is right (up to $0.34)?' });
      await confirm.getByText('Up to 3 jobs, 3 images, about $0.34 at most.').waitFor();
      await screenshot(page, 'until-right-confirm');
      await confirm.getByRole('button', { name: 'Cancel' }).click();
      await confirm.waitFor({ state: 'hidden' });
      await page.waitForTimeout(300);
      expect(await pageRpc<unknown[]>(page, 'jobs:list', {})).toEqual([]);
      await page.getByRole('button', { name: 'Generate' }).click();
      await confirm.getByRole('button', { name: 'Make up to 3 images' }).click();

      // The first attempt's image: marked once its check has read the words wrong.
      const marked = grid(page)
        .getByRole('gridcell')
        .filter({ has: page.getByRole('img', { name: prompt }) })
        .filter({ has: page.getByTitle('Text needs attention') });
      await marked.first().waitFor({ timeout: 120_000 });

      // The retry comes back right: the queue's rows say so.
      const notes = page.getByTestId('until-right-note');
      await notes.filter({ hasText: 'Text right on attempt 2' }).waitFor({ timeout: 120_000 });
      expect(await notes.allInnerTexts()).toEqual([
        'Text right on attempt 2',
        'Attempt 1 of 3: text wrong, tried again',
      ]);
      await screenshot(page, 'until-right-queue');

      await marked.first().getByRole('img', { name: prompt }).dblclick();
      const detail = page.getByRole('dialog', { name: 'Image details' });
      const section = detail.getByRole('region', { name: 'Text check' });
      await section.getByText('The text needs attention.').waitFor();
      const verdict = await section.getByRole('listitem').first().innerText();
      expect(verdict).toMatch(/OPEN LATE.*(misspelled: reads “(.+)”|not found)/);
      const read = /reads “(.+)”/.exec(verdict)?.[1];
      if (read !== undefined) expect(read.replace(/\s/g, '').toUpperCase()).not.toBe('OPENLATE');
      const chain = detail.getByRole('region', { name: 'Until it’s right' });
      await chain.getByText('Attempt 1 of 3: text wrong, tried again').waitFor();
      await screenshot(page, 'until-right-detail-wrong');
      // The chain points to the image that passed.
      await chain.getByRole('button', { name: 'Open the image that reads right' }).click();
      await section.getByText('Every quoted phrase is spelled right.').waitFor({ timeout: 60_000 });
      await chain.getByText('Text right on attempt 2').waitFor();
      await screenshot(page, 'until-right-detail-right');
      await detail.getByRole('button', { name: 'Close' }).click();

      // Both stay in the library (both were paid for); each filter finds its own.
      await page.getByLabel('Text filter').selectOption('attention');
      await expect.poll(() => grid(page).getByRole('img', { name: prompt }).count()).toBe(1);
      await page.getByLabel('Text filter').selectOption('ok');
      await expect.poll(() => grid(page).getByRole('img', { name: prompt }).count()).toBe(1);
      await page.getByLabel('Text filter').selectOption('');

      // What was sent: two real jobs, the retry linked to the first, with a new seed the app drew.
      const jobs = await pageRpc<{ id: string; parentId: string | null; params: Record<string, unknown> }[]>(
        page,
        'jobs:list',
        {},
      );
      expect(jobs).toHaveLength(2);
      const [retry, first] = jobs;
      expect(retry!.parentId).toBe(first!.id);
      expect(typeof retry!.params.seed).toBe('number');
      expect(retry!.params.seed).not.toBe(first!.params.seed);
      const { seed: _a, ...firstRest } = first!.params;
      const { seed: _b, ...retryRest } = retry!.params;
      expect(retryRest).toEqual(firstRest);
      const chains = await pageRpc<{ state: string; jobIds: string[] }[]>(page, 'untilRight:list', {
        jobIds: [first!.id],
      });
      expect(chains).toMatchObject([{ state: 'passed', jobIds: [first!.id, retry!.id] }]);
      expect(pageErrors).toEqual([]);
      await page.close();
    },
  );
});
