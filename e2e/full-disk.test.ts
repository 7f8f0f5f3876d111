import fs from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedNoiseLibrary } from '../src/main/recovery/test-support/noise-library.ts';
import { mountSmallDisk, type SmallDisk } from '../src/main/recovery/test-support/small-disk.ts';
import { launchBrowser, screenshot, startStudio, type StudioProcess } from './harness.ts';

const seed = Number(process.env.DISK_SEED ?? 77);
console.log(`[full-disk e2e] image seed ${seed} (DISK_SEED to replay)`);

// 64 MB: once the filler goes, more than the 32 MB the studio waits for before writing again.
const disk = mountSmallDisk(64);
if (typeof disk === 'string') console.warn(`[full-disk e2e] skipped: ${disk}`);
const small = typeof disk === 'string' ? null : (disk as SmallDisk);

let browser: Browser;
let studio: StudioProcess | null = null;

beforeAll(async () => {
  if (small) browser = await launchBrowser();
});
afterAll(async () => {
  await studio?.stop();
  await browser?.close();
  small?.unmount();
});

describe.skipIf(!small)('a full disk, in a real browser (64 MB tmpfs)', () => {
  it('starts read-only with a banner, empties the trash, and makes images again once space is freed', async () => {
    const dataDir = path.join(small!.dir, 'studio');
    await seedNoiseLibrary(dataDir, { images: 6, trashed: 3, seed });
    small!.fill();

    studio = await startStudio({ dataDir });
    const page = await browser.newPage({ viewport: { width: 1360, height: 880 } });
    await page.goto(studio.openUrl);
    const banner = page.getByRole('alert').filter({ hasText: 'The disk is full' });
    await banner.getByText('The disk is full: the library is read-only until space is freed').waitFor();
    expect(await banner.textContent()).toContain(dataDir);
    // What is there can still be seen.
    await page.getByLabel('Library').getByRole('img').nth(2).waitFor();
    await screenshot(page, 'full-disk-read-only');

    await banner.getByRole('button', { name: 'Empty trash (3)' }).click();
    await banner.getByRole('button', { name: 'Delete for good' }).click();
    await banner.getByText('Deleted 3 image(s) and 3 file(s).').waitFor();
    await screenshot(page, 'full-disk-trash-emptied');

    small!.unfill();
    await banner.waitFor({ state: 'detached', timeout: 20_000 });
    await page.getByLabel('Prompt').fill('A banner that reads "ROOM AGAIN"');
    await page.getByRole('button', { name: 'Generate' }).click();
    await page
      .getByLabel('Library')
      .getByRole('img', { name: 'A banner that reads "ROOM AGAIN"' })
      .first()
      .waitFor({ timeout: 60_000 });
    await screenshot(page, 'full-disk-space-freed');
    expect(fs.readFileSync(path.join(dataDir, 'studio.log'), 'utf8')).toContain('space is free again');
  });
});
