import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildUiLibrary } from '../bench/ui-library.ts';
import {
  launchBrowser,
  openStudioPage,
  pageRpc,
  screenshot,
  startStudio,
  type StudioProcess,
} from './harness.ts';

/**
 * A designer's library, in a real browser: aspect-true tiles and their size, search that means what
 * it says and reaches every match, keys, the lightbox, compare, lineage, moving images between two
 * libraries, and the trash. The library starts with 2,400 images in eight shapes; every second
 * prompt holds "zebra" (1,200 matches, past the count cap) and every third image was told "no people".
 */

const ROWS = 2_400;
let studio: StudioProcess;
let browser: Browser;
let page: Page;
const dirs: string[] = [];
let pageErrors: string[];

const grid = () => page.getByLabel('Library', { exact: true });
const cells = () => grid().locator('[data-index]');
const search = () => page.getByLabel('Search', { exact: true });
const detail = () => page.getByRole('dialog', { name: 'Image details' });
const noticeBar = () => page.locator('.action-notice');

async function shownIndexes(): Promise<number[]> {
  return grid().evaluate((scroller) => {
    const box = scroller.getBoundingClientRect();
    return [...scroller.querySelectorAll<HTMLElement>('[data-index]')]
      .filter((cell) => {
        const r = cell.getBoundingClientRect();
        return r.bottom > box.top && r.top < box.bottom;
      })
      .map((cell) => Number(cell.dataset.index));
  });
}

async function settled(): Promise<void> {
  await expect.poll(() => grid().locator('.cell-loading').count(), { timeout: 30_000 }).toBe(0);
  await expect
    .poll(() =>
      grid()
        .locator('img')
        .evaluateAll((imgs) => imgs.every((i) => (i as HTMLImageElement).complete)),
    )
    .toBe(true);
}

/** The list main holds, through the same RPC the page uses. */
function list(query: Record<string, unknown>, on: Page = page) {
  return pageRpc<{
    items: { id: string; prompt: string; favorite: boolean; rating: number }[];
    total?: number;
  }>(on, 'library:list', query);
}

function tempDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  dirs.push(dir);
  return dir;
}

beforeAll(async () => {
  const dataDir = tempDir('studio-walk-');
  await buildUiLibrary(dataDir, {
    rows: ROWS,
    marker: { word: 'zebra', every: 2 },
    negative: { text: 'no people', every: 3 },
  });
  studio = await startStudio({ dataDir, simTimeScale: 0.02 });
  browser = await launchBrowser();
  ({ page, pageErrors } = await openStudioPage(browser, studio, {
    viewport: { width: 1440, height: 960 },
    acceptDownloads: true,
    consoleErrors: true,
  }));
  await grid().locator('img').first().waitFor({ timeout: 60_000 });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await studio?.stop();
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

describe('a library that shows images as they were made', () => {
  it('lays tiles out at each image’s own shape, at the size the slider asks for, and reaches both ends', async () => {
    await settled();
    // Each tile has its image's shape (within a pixel of rounding), so no headline is cut.
    const shapes = await cells().evaluateAll((list) =>
      list.slice(0, 12).map((cell) => {
        const img = cell.querySelector('img')!;
        const box = cell.getBoundingClientRect();
        return { tile: box.width / box.height, image: img.naturalWidth / img.naturalHeight };
      }),
    );
    for (const { tile, image } of shapes) expect(Math.abs(tile - image) / image).toBeLessThan(0.04);
    await page.getByText(`${ROWS.toLocaleString('en-US')} images`).waitFor();
    await screenshot(page, 'library-walk-grid');
    const rowHeight = () =>
      cells()
        .first()
        .evaluate((cell) => cell.getBoundingClientRect().height);
    const before = await rowHeight();
    await page.getByLabel('Tile size').fill('340');
    await expect.poll(rowHeight).toBeGreaterThan(before * 1.3);
    await settled();
    await screenshot(page, 'library-walk-big-tiles');
    await page.getByLabel('Tile size').fill('160');

    await grid().focus();
    await page.keyboard.press('End');
    await expect.poll(async () => Math.max(...(await shownIndexes()))).toBe(ROWS - 1);
    await settled();
    await screenshot(page, 'library-walk-end');
    await page.keyboard.press('Home');
    await expect.poll(async () => Math.min(...(await shownIndexes()))).toBe(0);
  });

  it('searches prompts, not negative prompts unless asked, and reaches the last of 1,200 matches', async () => {
    await search().fill('zebra');
    await page.getByText('over 1,000 images').waitFor();
    // The first double-click on a result opens it.
    await settled();
    await cells().first().dblclick();
    await detail().waitFor();
    await expect.poll(() => detail().locator('.detail-prompt').textContent()).toContain('zebra');
    await page.keyboard.press('Escape');
    await detail().waitFor({ state: 'hidden' });

    await grid().focus();
    await page.keyboard.press('End');
    await page.getByText('1,200 images').waitFor({ timeout: 30_000 });
    await expect.poll(async () => Math.max(...(await shownIndexes()))).toBe(1_199);
    await settled();
    const prompts = await grid()
      .locator('img')
      .evaluateAll((imgs) => imgs.map((img) => img.getAttribute('alt')));
    expect(prompts.every((p) => p?.includes('zebra'))).toBe(true);
    await screenshot(page, 'library-walk-search-end');

    await search().fill('people');
    await page.getByText('No images match').waitFor();
    await search().fill('negative:people');
    await page.getByText('800 images').waitFor();
    await search().fill('people');
    await page.getByLabel('Negatives too').check();
    await page.getByText('800 images').waitFor();
    await page.getByLabel('Negatives too').uncheck();
    await search().fill('');
    await page.getByText(`${ROWS.toLocaleString('en-US')} images`).waitFor();
  });

  it('marks the focused tile, focuses search with / and Ctrl+K, and rates, favourites and trashes by key', async () => {
    await settled();
    await cells().first().click();
    await page.keyboard.press('/');
    await expect.poll(() => search().evaluate((el) => el === document.activeElement)).toBe(true);
    await search().press('ArrowDown');
    await expect.poll(() => grid().evaluate((el) => el === document.activeElement)).toBe(true);
    await page.keyboard.press('Control+k');
    await expect.poll(() => search().evaluate((el) => el === document.activeElement)).toBe(true);
    await grid().focus();
    await page.keyboard.press('Escape');
    await page.keyboard.press('Home');
    await page.keyboard.press('ArrowRight');
    const focused = grid().locator('.cell-focused');
    await expect.poll(() => focused.count()).toBe(1);
    await expect.poll(() => focused.getAttribute('data-index')).toBe('1');
    // The ring is drawn over the image, not under it.
    const ring = await focused.evaluate((cell) => getComputedStyle(cell, '::before').borderTopWidth);
    expect(ring).toBe('3px');
    await page.keyboard.press('4');
    await expect.poll(() => focused.locator('.cell-rating').textContent()).toBe('★★★★');
    await page.keyboard.press('f');
    await focused.locator('.cell-fav').waitFor();
    await screenshot(page, 'library-walk-focus-keys');
    const id = await focused.getAttribute('id');
    await page.keyboard.press('Delete');
    await noticeBar().getByText('1 image moved to the trash.').waitFor();
    await expect.poll(() => grid().locator(`[id="${id}"]`).count()).toBe(0);
    await screenshot(page, 'library-walk-undo-notice');
    await noticeBar().getByRole('button', { name: 'Undo' }).click();
    await noticeBar().getByText('1 image back from the trash.').waitFor();
    await expect.poll(() => grid().locator(`[id="${id}"]`).count()).toBe(1);
  });

  it('opens a lightbox that fits, zooms, pans, steps and downloads the original', async () => {
    await cells().nth(2).dblclick();
    await detail().waitFor();
    const zoom = detail().getByLabel('Zoom', { exact: true });
    const fitText = await zoom.textContent();
    await detail().getByRole('button', { name: '100 %' }).click();
    await expect.poll(() => zoom.textContent()).toBe('100 %');
    await detail().getByRole('button', { name: 'Fit' }).click();
    await expect.poll(() => zoom.textContent()).toBe(fitText);
    const stage = detail().getByTestId('zoom-view');
    const box = (await stage.boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.wheel(0, -400);
    await expect
      .poll(async () => parseInt((await zoom.textContent()) ?? '0', 10))
      .toBeGreaterThan(parseInt(fitText!, 10));
    const image = stage.locator('img');
    const before = await image.evaluate((img) => img.style.transform);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width / 2 - 80, box.y + box.height / 2 - 40, { steps: 4 });
    await page.mouse.up();
    expect(await image.evaluate((img) => img.style.transform)).not.toBe(before);
    await page.keyboard.press('l');
    await page.locator('dialog.detail-lightbox').waitFor();
    await screenshot(page, 'library-walk-lightbox');
    const prompt = await detail().getByRole('img').first().getAttribute('alt');
    await page.keyboard.press('ArrowRight');
    await expect
      .poll(() => detail().getByTestId('zoom-view').locator('img').getAttribute('alt'))
      .not.toBe(prompt);
    await page.keyboard.press('l');

    const downloading = page.waitForEvent('download');
    await detail().getByRole('link', { name: 'Download' }).click();
    const download = await downloading;
    expect(download.suggestedFilename()).toMatch(/^\d{4}-\d{2}-\d{2}_.+\.png$/);
    const saved = fs.readFileSync((await download.path())!);
    expect(saved.subarray(1, 4).toString()).toBe('PNG');
    await page.keyboard.press('Escape');
    await detail().waitFor({ state: 'hidden' });
  });

  it('shows a change made elsewhere, or by its own keys, on its tile without asking main again', async () => {
    const asked: string[] = [];
    const onRequest = (request: { url(): string }) => {
      if (decodeURIComponent(new URL(request.url()).pathname) === '/rpc/library:get')
        asked.push(request.url());
    };
    const cell = cells().nth(4);
    const id = (await cell.getAttribute('id'))!.replace(/^cell-/, '');
    const rating = cell.locator('.cell-rating');
    const before = (await rating.count()) > 0 ? ((await rating.textContent()) ?? '').length : 0;
    const next = before === 2 ? 3 : 2;
    page.on('request', onRequest);
    try {
      // Rated by a call the page's own code never made (another window would do the same): only
      // library:changed tells the grid.
      await pageRpc(page, 'library:setRating', { ids: [id], rating: next });
      await expect.poll(() => cell.locator('.cell-rating').textContent()).toBe('★'.repeat(next));
      // Rated from the keyboard: main's answer carries the image as the edit left it.
      await cell.click();
      await page.keyboard.press(String(next + 1));
      await expect.poll(() => cell.locator('.cell-rating').textContent()).toBe('★'.repeat(next + 1));
      await page.keyboard.press('Escape');
      expect(asked).toEqual([]);
    } finally {
      page.off('request', onRequest);
    }
  });

  it('shows the thumbnail in the viewer until the image itself has arrived', async () => {
    // The preview of an image no test has opened yet is held back, as a slow disk would.
    let release = () => undefined as void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const previews = /\/media\/image\/[^/?]+\/preview/;
    await page.route(previews, async (route) => {
      await held;
      await route.continue();
    });
    try {
      await cells().nth(6).dblclick();
      await detail().waitFor();
      const image = detail().getByTestId('zoom-view').locator('img');
      const background = () => image.evaluate((img) => getComputedStyle(img).backgroundImage);
      const drawn = () => image.evaluate((img) => (img as HTMLImageElement).naturalWidth);
      await expect.poll(background).toMatch(/\/media\/image\/[^/?]+\/thumb/);
      expect(await drawn()).toBe(0);
      release();
      await expect.poll(drawn).toBeGreaterThan(0);
      // Drawn, the image alone shows: a transparent one must not show the thumbnail through.
      await expect.poll(background).toBe('none');
    } finally {
      release();
      await page.unroute(previews);
    }
    await page.keyboard.press('Escape');
    await detail().waitFor({ state: 'hidden' });
  });

  it('compares three images side by side, two as a slider and an overlay, and marks what differs', async () => {
    await cells().nth(0).click();
    await cells()
      .nth(1)
      .click({ modifiers: ['Control'] });
    await cells()
      .nth(2)
      .click({ modifiers: ['Control'] });
    await page.getByText('3 selected').waitFor();
    await page
      .getByRole('toolbar', { name: 'Selection actions' })
      .getByRole('button', { name: 'Compare' })
      .click();
    const compare = page.getByRole('dialog', { name: 'Compare' });
    await expect.poll(() => compare.locator('.compare-side img').count()).toBe(3);
    await expect.poll(() => compare.getByRole('row', { name: /Seed \(differs\)/ }).count()).toBe(1);
    const marked = await compare.locator('tr.compare-differs').count();
    await compare.getByText(`${marked} settings differ, marked.`).waitFor();
    await screenshot(page, 'library-walk-compare');
    await compare.getByRole('radio', { name: 'Slider' }).check();
    await compare.getByLabel('Divider').fill('30');
    await expect
      .poll(() =>
        compare
          .locator('.compare-stack img')
          .nth(1)
          .evaluate((img) => img.style.clipPath),
      )
      .toBe('inset(0px 0px 0px 30%)');
    await screenshot(page, 'library-walk-compare-slider');
    await compare.getByRole('radio', { name: 'Overlay' }).check();
    await compare.getByLabel('B over A').fill('70');
    await expect
      .poll(() =>
        compare
          .locator('.compare-stack img')
          .nth(1)
          .evaluate((img) => img.style.opacity),
      )
      .toBe('0.7');
    await compare.getByRole('button', { name: 'Close' }).click();
    await page.keyboard.press('Escape');
  });

  it('remembers what a remix was made from and shows the family', async () => {
    await cells().first().dblclick();
    await detail().waitFor();
    await detail().getByRole('button', { name: 'Remix this' }).click();
    await detail().waitFor({ state: 'hidden' });
    await page.getByLabel('Prompt', { exact: true }).fill('A remix in the family');
    await page.getByRole('button', { name: 'Generate' }).click();
    const child = grid().getByRole('img', { name: 'A remix in the family' });
    await child.waitFor({ timeout: 60_000 });
    await child.dblclick();
    await detail().waitFor();
    const lineage = detail().locator('[aria-label="Lineage"]');
    await lineage.getByText('Made from').waitFor();
    // The fixture's images share their bytes eight ways, so the source is known by its picture.
    await expect.poll(() => lineage.getByRole('button', { name: /source$/ }).count()).toBe(1);
    await screenshot(page, 'library-walk-lineage');
    await lineage.getByRole('button', { name: 'Family tree' }).click();
    const family = page.getByRole('dialog', { name: 'Family tree' });
    await family.getByText('Generation 2').waitFor();
    await expect.poll(() => family.locator('.family-node').count()).toBe(2);
    await screenshot(page, 'library-walk-family');
    await family.getByRole('button', { name: 'Close' }).click();
    // The parent's own view lists the remix as made from it.
    await lineage.getByRole('button', { name: /source$/ }).click();
    const parent = detail().locator('[aria-label="Lineage"]');
    await parent.getByText('Made from it').waitFor();
    await expect.poll(() => parent.getByRole('button', { name: /A remix in the family/ }).count()).toBe(1);
    await page.keyboard.press('Escape');
  });

  it('moves a remix and its source, with their state, into another library that purged its old trash', async () => {
    // The remix is the newest image, its source the next; both are favourited, rated and tagged.
    await cells().nth(0).click();
    await cells()
      .nth(1)
      .click({ modifiers: ['Control'] });
    const bar = page.getByRole('toolbar', { name: 'Selection actions' });
    await bar.getByRole('button', { name: '♥ Favourite' }).click();
    await bar.getByLabel('Tag to add').fill('moving');
    await bar.getByRole('button', { name: 'Add tag' }).click();
    await bar.getByText('Tagged 2 images #moving.').waitFor();
    await bar.getByRole('button', { name: 'Export zip' }).click();
    const exported = await bar.getByText(/Exported 2 images to /).textContent();
    const zip = exported!.replace(/^Exported 2 images to /, '').trim();
    expect(fs.existsSync(zip)).toBe(true);
    await bar.getByRole('button', { name: 'Clear selection' }).click();

    // Another library, whose trash holds one image from 40 days ago and one from 5: start purges the old.
    const otherDir = tempDir('studio-walk-other-');
    await buildUiLibrary(otherDir, { rows: 3, seed: 5 });
    const db = new Database(path.join(otherDir, 'library.sqlite3'));
    const [oldId, recentId] = db
      .prepare('SELECT id FROM images ORDER BY pk LIMIT 2')
      .pluck()
      .all() as string[];
    const day = 24 * 3600 * 1000;
    db.prepare('UPDATE images SET trashed_at = ? WHERE id = ?').run(Date.now() - 40 * day, oldId);
    db.prepare('UPDATE images SET trashed_at = ? WHERE id = ?').run(Date.now() - 5 * day, recentId);
    db.close();
    const other = await startStudio({ dataDir: otherDir });
    const second = await browser.newPage({ viewport: { width: 1440, height: 960 } });
    try {
      await second.goto(other.openUrl);
      // The purge starts a few seconds after the host is up, in slices beside the first requests.
      await expect
        .poll(async () => (await list({ trashed: true }, second)).items.map((i) => i.id), { timeout: 30_000 })
        .toEqual([recentId]);
      await second.getByLabel('Files to import').setInputFiles(zip);
      await second.getByText('Imported 2 images.').waitFor({ timeout: 60_000 });
      const moved = await list({ tag: 'moving' }, second);
      expect(moved.items.map((i) => i.prompt)).toContain('A remix in the family');
      expect(moved.items.every((i) => i.favorite)).toBe(true);
      await second
        .getByLabel('Library', { exact: true })
        .getByRole('img', { name: 'A remix in the family' })
        .dblclick();
      await second
        .getByRole('dialog', { name: 'Image details' })
        .locator('[aria-label="Lineage"]')
        .getByText('Made from')
        .waitFor();
      await screenshot(second, 'library-walk-imported');
    } finally {
      await second.close();
      await other.stop();
    }
  });

  it('empties the trash after saying how many and asking', async () => {
    await page.getByRole('button', { name: 'Images', exact: true }).click();
    await cells().nth(3).click();
    await cells()
      .nth(4)
      .click({ modifiers: ['Control'] });
    await grid().press('Delete');
    await noticeBar().getByText('2 images moved to the trash.').waitFor();
    await page.getByRole('button', { name: 'Trash', exact: true }).click();
    await page.getByRole('button', { name: 'Empty trash (2)' }).click();
    const confirm = page.getByRole('dialog', { name: 'Empty the trash?' });
    await confirm.getByText('2 images will be deleted for good').waitFor();
    await screenshot(page, 'library-walk-empty-trash');
    await confirm.getByRole('button', { name: 'Delete 2 images' }).click();
    await page.getByText('The trash is empty').waitFor();
    await noticeBar().getByText('2 images deleted for good.').waitFor();
    expect(pageErrors).toEqual([]);
  });
});
