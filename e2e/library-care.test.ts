import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { readZip } from '../src/main/library/test-support/read-zip.ts';
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

  it('backs up as a download, checks the library, and restores the zip by upload in another studio', async () => {
    await page.getByRole('button', { name: 'Settings' }).click();
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Back up…' }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^ideogram-studio-backup-.*\.zip$/);
    const zipPath = join(mkdtempSync(join(tmpdir(), 'studio-download-')), download.suggestedFilename());
    await download.saveAs(zipPath);
    const entries = readZip(readFileSync(zipPath));
    expect(JSON.parse(entries.get('manifest.json')!.toString())).toMatchObject({ images: 1, files: 1 });
    expect(entries.has('library.db')).toBe(true);
    // A download, not a copy in the data folder.
    expect(existsSync(join(studio.dataDir, 'backups'))).toBe(false);
    await page.getByRole('button', { name: 'Check library' }).click();
    await page.getByText(/The library is healthy/).waitFor();
    await screenshot(page, 'library-care');

    const other = await startStudio({ simTimeScale: 0.05 });
    try {
      const otherPage = await browser.newPage({ viewport: { width: 1360, height: 880 } });
      await otherPage.goto(other.openUrl);
      await otherPage.getByRole('button', { name: 'Settings' }).click();
      const [chooser] = await Promise.all([
        otherPage.waitForEvent('filechooser'),
        otherPage.getByRole('button', { name: 'Restore…' }).click(),
      ]);
      await chooser.setFiles(zipPath);
      await otherPage.getByText(/Restored 1 image \(1 file\)\. The library as it was is kept/).waitFor();
      await screenshot(otherPage, 'library-care-restored');
      await otherPage.keyboard.press('Escape');
      await otherPage
        .getByLabel('Library')
        .getByRole('img', { name: 'A stamp that reads "KEEP SAFE"' })
        .waitFor();
      await otherPage.close();
    } finally {
      await other.stop();
      rmSync(dirname(zipPath), { recursive: true, force: true });
    }
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
