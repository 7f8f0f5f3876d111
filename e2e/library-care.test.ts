import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { dropFiles, launchBrowser, screenshot, startStudio, type StudioProcess } from './harness.ts';

let studio: StudioProcess;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  studio = await startStudio({ simTimeScale: 0.05 });
  browser = await launchBrowser();
  page = await browser.newPage({ viewport: { width: 1360, height: 880 } });
  await page.goto(studio.openUrl);
  const prompt = 'A stamp that reads "KEEP SAFE"';
  await page.getByLabel('Prompt').fill(prompt);
  await page.getByRole('button', { name: 'Generate' }).click();
  await page.getByLabel('Library').getByRole('img', { name: prompt }).first().waitFor({ timeout: 60_000 });
});

afterAll(async () => {
  await browser?.close();
  await studio?.stop();
});

describe('library care in browser mode', () => {
  it('exports the selection as a zip into the data folder and says where', async () => {
    await page.getByLabel('Library').getByRole('img').first().click();
    await page.getByRole('button', { name: 'Export zip' }).click();
    const done = page.getByText(/Exported 1 image to /);
    await done.waitFor();
    const zips = readdirSync(join(studio.dataDir, 'exports')).filter((name) => name.endsWith('.zip'));
    expect(zips).toHaveLength(1);
    expect(await done.textContent()).toContain(zips[0]);
  });

  it('backs up, checks the library and keeps restore for the desktop app', async () => {
    await page.getByRole('button', { name: 'Settings' }).click();
    await page.getByRole('button', { name: 'Back up…' }).click();
    await page.getByText(/Backed up 1 images to /).waitFor();
    const backups = readdirSync(join(studio.dataDir, 'backups'));
    expect(backups).toHaveLength(1);
    expect(existsSync(join(studio.dataDir, 'backups', backups[0]!, 'library.db'))).toBe(true);
    await page.getByRole('button', { name: 'Check library' }).click();
    await page.getByText(/The library is healthy/).waitFor();
    expect(await page.getByRole('button', { name: 'Restore…' }).count()).toBe(0);
    await screenshot(page, 'library-care');
  });

  it('imports a PNG dropped on the library and refuses a text file with a message', async () => {
    await page.keyboard.press('Escape');
    const png = await sharp({ create: { width: 96, height: 64, channels: 3, background: '#2a7' } })
      .png()
      .toBuffer();
    await dropFiles(page.locator('section.library-panel'), [
      { name: 'green.png', type: 'image/png', bytes: png },
      { name: 'notes.txt', type: 'text/plain', bytes: Buffer.from('not an image') },
    ]);
    const note = page.getByText(/Imported 1 image/);
    await note.waitFor();
    expect(await note.textContent()).toMatch(/refused notes\.txt: .*PNG, JPEG and WebP/);
    await page.getByLabel('Library').getByRole('img', { name: 'Imported image without a prompt' }).waitFor();
  });
});
