import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, postRpc, screenshot, startStudio, type StudioProcess } from './harness.ts';

function filesBelow(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name));
}

let studio: StudioProcess;
let browser: Browser;

beforeAll(async () => {
  studio = await startStudio({ simTimeScale: 0.05 });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await studio?.stop();
});

describe('first image, no key, empty data folder', () => {
  it('turns a typed prompt into a library image, a file on disk and a database row', async () => {
    const page = await browser.newPage({ viewport: { width: 1360, height: 880 } });
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('response', (response) => {
      if (response.status() >= 400) pageErrors.push(`${response.status()} ${response.url()}`);
    });
    await page.goto(studio.openUrl);
    // The token has moved from the URL's fragment into the tab's session storage.
    expect(page.url()).toBe(`${studio.origin}/`);
    await expect
      .poll(() =>
        page
          .getByText(/simulat/i)
          .first()
          .isVisible(),
      )
      .toBe(true);

    const prompt = 'A lighthouse poster with the words "FIRST LIGHT"';
    await page.getByLabel('Prompt').fill(prompt);
    await page.getByRole('button', { name: 'Generate' }).click();

    const image = page.getByLabel('Library').getByRole('img', { name: prompt }).first();
    await image.waitFor({ state: 'visible', timeout: 60_000 });
    await expect
      .poll(() => image.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0))
      .toBe(true);
    await screenshot(page, 'first-image');

    const db = new Database(join(studio.dataDir, 'library.sqlite3'), { readonly: true });
    const rows = db.prepare('SELECT sha256, prompt, model, width, height FROM images').all() as {
      sha256: string;
      prompt: string;
      model: string;
      width: number;
      height: number;
    }[];
    db.close();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ prompt, model: 'ideogram-3' });
    const onDisk = filesBelow(studio.dataDir).filter(
      (file) => createHash('sha256').update(readFileSync(file)).digest('hex') === rows[0]!.sha256,
    );
    expect(onDisk.length).toBeGreaterThanOrEqual(1);
    expect(pageErrors).toEqual([]);
  });

  it('answers a malformed payload with a validation error and keeps working', async () => {
    const page = await browser.newPage();
    await page.goto(studio.openUrl);
    const post = (method: string, body: string) => postRpc(page, method, body);
    const answers = [
      await post('jobs:create', JSON.stringify({ model: 'ideogram-9', params: {} })),
      await post(
        'jobs:create',
        JSON.stringify({ model: 'ideogram-3', params: { prompt: 'x', seed: 'forty' } }),
      ),
      await post('jobs:create', '{"model": '),
      await post('settings:get', '{}'),
    ];
    expect(answers[0]!.body).toMatchObject({ ok: false, error: { code: 'validation' } });
    expect(answers[1]!.body).toMatchObject({ ok: false, error: { code: 'validation' } });
    expect(JSON.stringify(answers[1]!.body)).toContain('seed');
    expect(answers[2]).toMatchObject({ status: 400, body: { ok: false, error: { code: 'validation' } } });
    expect(answers[3]!.body).toMatchObject({ ok: true });
  });
});

describe('desktop actions in browser mode', () => {
  it('copies an image to the clipboard as PNG and hides the actions only the desktop app has', async () => {
    const context = await browser.newContext();
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: studio.origin });
    const page = await context.newPage();
    await page.goto(studio.openUrl);
    await page.getByLabel('Library').getByRole('img').first().dblclick();
    await page.getByRole('button', { name: 'Copy image' }).click();
    await page.getByText('Image copied.').waitFor();
    const clip = await page.evaluate(async () => {
      const [item] = await navigator.clipboard.read();
      const blob = await item!.getType('image/png');
      return { types: item!.types, size: blob.size };
    });
    expect(clip.types).toContain('image/png');
    expect(clip.size).toBeGreaterThan(1000);
    expect(await page.getByRole('button', { name: 'Show in folder' }).count()).toBe(0);
    await context.close();
  });
});
