import type { Browser, Locator, Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  dropFiles,
  holdAnswers,
  launchBrowser,
  openStudioPage,
  listJobs as listJobsOf,
  screenshot,
  startStudio,
  type StudioProcess,
} from './harness.ts';

/**
 * A user's day in the studio, in the simulator (no key): one model after another, remixing, finding,
 * organising and reusing images. Each step builds on the library the previous ones made.
 */

let studio: StudioProcess;
let browser: Browser;
let page: Page;
let pageErrors: string[];

const prompts = {
  v3: 'A lighthouse poster with the words "FIRST LIGHT"',
  v4: 'A summer sale banner that says "SUMMER SALE"',
  remixFile: 'An orange square turned into a stained glass window',
  remixLibrary: 'The lighthouse at night in watercolour',
};

const grid = () => page.getByLabel('Library', { exact: true });
const gridImage = (name: string) => grid().getByRole('img', { name, exact: true });
const detail = () => page.getByRole('dialog', { name: 'Image details' });

async function pickModel(label: string): Promise<void> {
  await page.getByRole('radio', { name: label, exact: true }).check();
}

async function waitLoaded(image: Locator): Promise<void> {
  await image.first().waitFor({ state: 'visible', timeout: 60_000 });
  await expect
    .poll(() => image.first().evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0), {
      timeout: 30_000,
    })
    .toBe(true);
}

const listJobs = () => listJobsOf(page);

async function openDetailOf(name: string): Promise<void> {
  await gridImage(name).first().dblclick();
  await detail().getByText(name, { exact: true }).first().waitFor();
}

async function closeDetail(): Promise<void> {
  await detail().getByRole('button', { name: 'Close' }).click();
  await detail().waitFor({ state: 'hidden' });
}

beforeAll(async () => {
  studio = await startStudio({ simTimeScale: 0.02 });
  browser = await launchBrowser();
  ({ page, pageErrors } = await openStudioPage(browser, studio, {
    viewport: { width: 1440, height: 960 },
    consoleErrors: true,
  }));
});

afterAll(async () => {
  await browser?.close();
  await studio?.stop();
});

describe("a user's day in the studio", () => {
  it('opens on designed empty states and says plainly that images are simulated', async () => {
    await expect.poll(() => page.getByText('Simulated images.').isVisible()).toBe(true);
    await page.getByText('No images yet').waitFor();
    await page.getByText('Nothing in the queue').waitFor();
    await screenshot(page, 'studio-empty-light');
  });

  it('refuses a bad style code and an empty prompt at the field, then generates with Ideogram 3.0', async () => {
    await pickModel('Ideogram 3.0');
    await page.getByRole('button', { name: 'Generate' }).click();
    await expect.poll(() => page.locator('#prompt-error').textContent()).toContain('prompt');
    await expect
      .poll(() => page.getByLabel('Prompt').evaluate((el) => el === document.activeElement))
      .toBe(true);

    await page.getByLabel('Prompt').fill(prompts.v3);
    // The quoted words are what the image will spell: the editor says so.
    await page.getByText('Will be spelled in the image: "FIRST LIGHT"').waitFor();
    await page.getByRole('group', { name: 'Size' }).getByRole('radio', { name: 'Aspect ratio' }).check();
    await page.getByRole('radiogroup', { name: 'Aspect ratio' }).getByText('16:9', { exact: true }).click();
    await page.getByRole('group', { name: 'Colour palette' }).getByRole('radio', { name: 'Preset' }).check();
    await page.getByRole('radiogroup', { name: 'Preset palette' }).getByText('Jungle').click();
    await page.getByLabel('Style codes', { exact: true }).fill('nothex');
    await page.getByLabel('Style codes', { exact: true }).press('Enter');
    await page.getByText('nothex: a style code is 8 hexadecimal characters').waitFor();
    await page.getByLabel('Style codes', { exact: true }).fill('1a2b3c4d');
    await page.getByLabel('Style codes', { exact: true }).press('Enter');
    await page.getByRole('button', { name: 'Remove style code 1A2B3C4D' }).waitFor();
    await screenshot(page, 'studio-compose-v3-light');

    await page.getByRole('button', { name: 'Generate' }).click();
    await waitLoaded(gridImage(prompts.v3));
    const job = (await listJobs()).find((entry) => entry.prompt === prompts.v3);
    expect(job?.params).toMatchObject({
      aspect_ratio: '16x9',
      color_palette: { name: 'JUNGLE' },
      style_codes: ['1A2B3C4D'],
    });
    expect(job?.params.resolution).toBeUndefined();
  });

  it('generates two PNGs with Ideogram 4.0 from the keyboard (Ctrl+Enter)', async () => {
    await pickModel('Ideogram 4.0');
    await page.getByLabel('Prompt').fill(prompts.v4);
    await page.getByLabel('Number of images').fill('2');
    await page.getByRole('group', { name: 'Format' }).getByRole('radio', { name: 'PNG' }).check();
    await page.getByLabel('Prompt').press('Control+Enter');
    await expect.poll(() => gridImage(prompts.v4).count(), { timeout: 60_000 }).toBe(2);
    await waitLoaded(gridImage(prompts.v4));
    const job = (await listJobs()).find((entry) => entry.prompt === prompts.v4);
    expect(job).toMatchObject({ model: 'ideogram-4', params: { num_images: 2, output_format: 'png' } });
    await page.getByRole('list', { name: 'Jobs' }).getByText('Done').first().waitFor();
    await screenshot(page, 'studio-queue-light');
  });

  it('refuses a dropped text file with a message, then remixes a dropped PNG', async () => {
    await pickModel('Ideogram 3 Remix');
    const zone = page.getByTestId('drop-image');
    await dropFiles(zone, [{ name: 'notes.txt', type: 'text/plain', bytes: Buffer.from('not an image') }]);
    await page.getByText('“notes.txt” is not a PNG, JPEG or WebP image').waitFor();

    const png = await sharp({ create: { width: 96, height: 96, channels: 3, background: '#ff8800' } })
      .png()
      .toBuffer();
    await dropFiles(zone, [{ name: 'orange.png', type: 'image/png', bytes: png }]);
    await waitLoaded(page.getByRole('img', { name: 'Source: orange.png' }));
    await expect.poll(() => page.getByText('“notes.txt” is not a PNG').count()).toBe(0);
    await page.getByLabel('Prompt').fill(prompts.remixFile);

    // Style references take a pasted image too, and refuse what is not a web address.
    const styles = page.getByTestId('drop-style_reference_images');
    await page.getByLabel('Style references URL').fill('not a url');
    await page.getByLabel('Style references URL').press('Enter');
    await page.getByText('That is not a web address').waitFor();
    await page.getByLabel('Style references URL').fill('');
    const pasted = await sharp({ create: { width: 80, height: 48, channels: 3, background: '#2266cc' } })
      .png()
      .toBuffer();
    await styles.evaluate((zone, base64) => {
      const transfer = new DataTransfer();
      const bytes = Uint8Array.from(atob(base64), (char) => char.charCodeAt(0));
      transfer.items.add(new File([bytes], 'pasted.png', { type: 'image/png' }));
      zone.dispatchEvent(new ClipboardEvent('paste', { clipboardData: transfer, bubbles: true }));
    }, pasted.toString('base64'));
    await waitLoaded(page.getByRole('img', { name: 'Source: pasted.png' }));
    await page.getByRole('button', { name: 'Remove pasted.png' }).click();
    await screenshot(page, 'studio-remix-light');
    await page.getByRole('button', { name: 'Generate' }).click();
    await waitLoaded(gridImage(prompts.remixFile));
    const job = (await listJobs()).find((entry) => entry.prompt === prompts.remixFile);
    expect(String(job?.params.image)).toMatch(/^local:[0-9a-f]{64}$/);
  });

  it('remixes a library image dragged onto the source zone', async () => {
    await page.getByRole('button', { name: 'Remove orange.png' }).click();
    const zone = page.getByTestId('drop-image');
    await gridImage(prompts.v3).first().dragTo(zone);
    await waitLoaded(page.getByRole('img', { name: `Source: ${prompts.v3}` }));
    await page.getByLabel('Prompt').fill(prompts.remixLibrary);
    await page.getByRole('button', { name: 'Generate' }).click();
    await waitLoaded(gridImage(prompts.remixLibrary));
    const job = (await listJobs()).find((entry) => entry.prompt === prompts.remixLibrary);
    expect(String(job?.params.image)).toMatch(/^local:[0-9a-f]{64}$/);
  });

  it('finds an image by a word of its prompt', async () => {
    await expect.poll(() => grid().getByRole('img').count()).toBe(5);
    await page.getByLabel('Search', { exact: true }).fill('lighthouse');
    await expect.poll(() => grid().getByRole('img').count()).toBe(2);
    await page.getByLabel('Search', { exact: true }).fill('sale');
    await expect.poll(() => grid().getByRole('img').count()).toBe(2);
    await expect.poll(() => gridImage(prompts.v4).count()).toBe(2);
    await page.getByLabel('Search', { exact: true }).fill('zebra');
    await page.getByText('No images match').waitFor();
    await screenshot(page, 'studio-search-empty-light');
    await page.getByLabel('Search', { exact: true }).fill('');
    await expect.poll(() => grid().getByRole('img').count()).toBe(5);
  });

  it('favourites an image in the detail view and filters on favourites', async () => {
    await openDetailOf(prompts.v3);
    await detail().getByRole('button', { name: '♡ Favourite' }).click();
    await detail().getByRole('button', { name: '♥ Favourite' }).waitFor();
    await detail().locator('label.star').nth(3).click();
    await expect.poll(() => detail().locator('label.star-on').count()).toBe(4);
    await screenshot(page, 'studio-detail-light');
    await closeDetail();
    await page.getByLabel('Favourites only').check();
    await expect.poll(() => grid().getByRole('img').count()).toBe(1);
    await waitLoaded(gridImage(prompts.v3));
    await page.getByLabel('Favourites only').uncheck();
    await expect.poll(() => grid().getByRole('img').count()).toBe(5);
  });

  it("reuses an image's settings in the form", async () => {
    await pickModel('Ideogram 4.0');
    await openDetailOf(prompts.v3);
    const seedText = await detail().locator('dt:text-is("Seed") + dd').textContent();
    await detail().getByRole('button', { name: 'Use these settings' }).click();
    await detail().waitFor({ state: 'hidden' });
    await expect
      .poll(() => page.getByRole('radio', { name: 'Ideogram 3.0', exact: true }).isChecked())
      .toBe(true);
    await expect.poll(() => page.getByLabel('Prompt').inputValue()).toBe(prompts.v3);
    await expect.poll(() => page.getByLabel('Seed value').inputValue()).toBe(seedText?.trim());
    await expect
      .poll(() =>
        page
          .getByRole('radiogroup', { name: 'Aspect ratio' })
          .getByRole('radio', { name: '16:9' })
          .isChecked(),
      )
      .toBe(true);
  });

  it('moves an image to the trash and restores it, keeping a pick made before the restore answered', async () => {
    await openDetailOf(prompts.remixFile);
    await detail().getByRole('button', { name: 'Move to trash' }).click();
    await detail().getByText('In the trash').waitFor();
    await closeDetail();
    await expect.poll(() => gridImage(prompts.remixFile).count()).toBe(0);
    await page.getByRole('button', { name: 'Trash', exact: true }).click();
    await waitLoaded(gridImage(prompts.remixFile));
    await gridImage(prompts.remixFile).click();
    // The restore's answer is held back until the user has moved on and picked another image, as a
    // busy main can answer after its change event: the late answer must not clear the new pick.
    const restore = await holdAnswers(page, 'library:restore');
    await page
      .getByRole('toolbar', { name: 'Selection actions' })
      .getByRole('button', { name: 'Restore' })
      .click();
    await page.getByText('The trash is empty').waitFor();
    await page.getByRole('button', { name: 'Images', exact: true }).click();
    await waitLoaded(gridImage(prompts.remixFile));
    await grid().getByRole('gridcell').nth(1).click();
    await page.getByText('1 selected').waitFor();
    await restore.release();
    expect(await page.getByText('1 selected').count()).toBe(1);
    expect(await page.getByText('1 image restored.').count()).toBe(0);
    await page.getByRole('button', { name: 'Clear selection' }).click();
    await expect.poll(() => page.getByText('1 selected').count()).toBe(0);
  });

  it('selects with click, shift and ctrl, acts in bulk and compares two images', async () => {
    const cells = grid().getByRole('gridcell');
    await cells.nth(0).click();
    await cells.nth(2).click({ modifiers: ['Shift'] });
    await page.getByText('3 selected').waitFor();
    await cells.nth(1).click({ modifiers: ['Control'] });
    await page.getByText('2 selected').waitFor();
    const bar = page.getByRole('toolbar', { name: 'Selection actions' });
    await bar.getByLabel('Tag to add').fill('keepers');
    await bar.getByRole('button', { name: 'Add tag' }).click();
    await bar.getByText('Tagged 2 images #keepers.').waitFor();
    await page.getByLabel('Tag', { exact: true }).selectOption('keepers');
    await expect.poll(() => grid().getByRole('img').count()).toBe(2);
    await cells.nth(0).click();
    await cells.nth(1).click({ modifiers: ['Control'] });
    await bar.getByRole('button', { name: 'Compare' }).click();
    const compare = page.getByRole('dialog', { name: 'Compare' });
    await expect.poll(() => compare.getByRole('img').count()).toBe(2);
    await waitLoaded(compare.getByRole('img'));
    await screenshot(page, 'studio-compare-light');
    await compare.getByRole('button', { name: 'Close' }).click();
    await page.getByRole('button', { name: 'Clear filters' }).first().click();
    await expect.poll(() => grid().getByRole('img').count()).toBe(5);
  });

  it('works from the keyboard: arrows move through the grid, Space selects, Enter opens, Escape closes', async () => {
    await grid().focus();
    await page.keyboard.press('Home');
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => grid().locator('.cell-focused').count()).toBe(1);
    const focusedId = await grid().getAttribute('aria-activedescendant');
    expect(await grid().locator('.cell-focused').getAttribute('id')).toBe(focusedId);
    await page.keyboard.press('Space');
    await page.getByText('1 selected').waitFor();
    await page.keyboard.press('Enter');
    await detail().waitFor();
    await screenshot(page, 'studio-keyboard-detail-light');
    await page.keyboard.press('Escape');
    await detail().waitFor({ state: 'hidden' });
    await expect.poll(() => grid().evaluate((element) => element === document.activeElement)).toBe(true);
    await page.getByRole('button', { name: 'Clear selection' }).click();
    await expect.poll(() => page.getByText('1 selected').count()).toBe(0);
  });

  it('keeps the last settings per model across a reload', async () => {
    await page.reload();
    await pickModel('Ideogram 4.0');
    await expect.poll(() => page.getByLabel('Number of images').inputValue()).toBe('2');
    await expect.poll(() => page.getByLabel('Prompt').inputValue()).toBe(prompts.v4);
    await page.getByRole('button', { name: /History/ }).click();
    await page.getByRole('list', { name: 'Recent' }).getByText(prompts.remixFile).waitFor();
    // The remix source remembered from before the reload is shown from the store, not as a label.
    await pickModel('Ideogram 3 Remix');
    const kept = page
      .getByTestId('drop-image')
      .getByRole('img', { name: 'Source: image kept from last time' });
    await waitLoaded(kept);
  });

  it('switches to the dark theme in settings, and every screen reads in it', async () => {
    await page.getByRole('button', { name: 'Settings', exact: true }).click();
    const settings = page.getByRole('dialog', { name: 'Settings' });
    await settings.getByText('No key yet').waitFor();
    await settings.getByRole('radio', { name: 'Dark' }).check();
    await expect.poll(() => page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
    await screenshot(page, 'studio-settings-dark');
    await settings.getByRole('button', { name: 'Close' }).click();
    await waitLoaded(grid().getByRole('img'));
    await screenshot(page, 'studio-main-dark');
    await openDetailOf(prompts.v3);
    await screenshot(page, 'studio-detail-dark');
    await closeDetail();
    await pickModel('Ideogram 3 Remix');
    await screenshot(page, 'studio-remix-dark');
    expect(pageErrors).toEqual([]);
  });
});
