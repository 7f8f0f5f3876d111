import fs from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  damage,
  libraryFile,
  seedLibrary,
  sha256File,
} from '../src/main/recovery/test-support/damaged-library.ts';
import { launchBrowser, screenshot, startStudio, type StudioProcess } from './harness.ts';

const seed = Number(process.env.DAMAGE_SEED ?? 1201);
console.log(`[recovery e2e] damage seed ${seed} (DAMAGE_SEED to replay)`);

let browser: Browser;
const running: StudioProcess[] = [];
const folders: string[] = [];

beforeAll(async () => {
  browser = await launchBrowser();
});
afterEach(async () => {
  for (const studio of running.splice(0)) await studio.stop();
  for (const dir of folders.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});
afterAll(async () => {
  await browser?.close();
});

async function seededFolder(): Promise<string> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'studio-recovery-'));
  folders.push(dataDir);
  await seedLibrary(dataDir, { files: 3, rows: 200 });
  return dataDir;
}

async function open(dataDir: string): Promise<{ studio: StudioProcess; page: Page }> {
  const studio = await startStudio({ dataDir });
  running.push(studio);
  const page = await browser.newPage({ viewport: { width: 1100, height: 820 } });
  await page.goto(studio.openUrl);
  return { studio, page };
}

const fingerprint = (file: string) => (fs.statSync(file).isDirectory() ? 'a folder' : sha256File(file));

const libraryDamage: [string, string, (file: string) => void][] = [
  ['header-smashed', 'The library file is damaged', (file) => damage.smashHeader(file, seed)],
  ['overwritten', 'The library file is damaged', (file) => damage.overwrite(file, seed + 1)],
  ['truncated', 'The library file is cut short', (file) => damage.truncate(file, 0.5)],
  ['garbage-inside', 'The library file is partly damaged', (file) => damage.scribbleInside(file, seed + 2)],
  ['folder-in-place', 'The library file is missing', (file) => damage.replaceWithFolder(file)],
];

describe('a damaged library opens the recovery screen, in a real browser', () => {
  it.each(libraryDamage)(
    '%s: says what is wrong, offers the ways out, writes nothing',
    async (name, title, hurt) => {
      const dataDir = await seededFolder();
      const file = libraryFile(dataDir);
      hurt(file);
      const before = fingerprint(file);
      const { page } = await open(dataDir);

      await page.getByRole('heading', { name: title }).waitFor();
      expect(await page.getByText('3 original image files are safe in the data folder').count()).toBe(1);
      expect(await page.getByRole('button', { name: 'Start empty' }).count()).toBe(1);
      expect(await page.getByRole('button', { name: 'Quit' }).count()).toBe(1);
      // The studio is not there behind it: no prompt box to type into a library that is not open.
      expect(await page.getByLabel('Prompt').count()).toBe(0);
      if (name === 'garbage-inside') {
        await page.getByRole('heading', { name: 'What can still be read' }).waitFor();
        expect(await page.locator('.recovery-readable li').first().textContent()).toMatch(/Images\d/);
      }
      await screenshot(page, `recovery-${name}`);
      expect(fingerprint(file)).toBe(before);
    },
  );

  it('starts an empty library on request and keeps the damaged one aside', async () => {
    const dataDir = await seededFolder();
    damage.smashHeader(libraryFile(dataDir), seed + 3);
    const before = sha256File(libraryFile(dataDir));
    const { page } = await open(dataDir);
    await page.getByRole('button', { name: 'Start empty' }).click();
    await page.getByLabel('Prompt').waitFor();
    await page.getByText(/Started an empty library\. The damaged one is kept as library\.damaged-/).waitFor();
    await page.getByText(/^3 original image files are in the data folder but not in this library/).waitFor();
    await screenshot(page, 'recovery-started-fresh');
    await page.getByRole('button', { name: 'Add them back' }).click();
    await page.getByText('Added 3 images back to the library.').waitFor();
    await page.getByLabel('Library').getByRole('img').nth(2).waitFor();
    // Their pictures show, from the thumbnails that stayed in the data folder.
    await page.waitForFunction(() =>
      [...document.querySelectorAll<HTMLImageElement>('[aria-label="Library"] img')].every(
        (img) => img.complete && img.naturalWidth > 0,
      ),
    );
    await screenshot(page, 'recovery-originals-added-back');
    const kept = fs.readdirSync(dataDir).find((n) => /^library\.damaged-.*\.sqlite3$/.test(n))!;
    expect(sha256File(path.join(dataDir, kept))).toBe(before);
  });

  it('restores the automatic backup and shows its images', async () => {
    const dataDir = await seededFolder();
    const first = await startStudio({ dataDir });
    const backups = path.join(dataDir, 'auto-backups');
    // A finished backup, not the .partial it is written under.
    const made = () => fs.existsSync(backups) && fs.readdirSync(backups).some((n) => n.endsWith('.sqlite3'));
    for (let i = 0; i < 600 && !made(); i++) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(made()).toBe(true);
    await first.stop();
    damage.truncate(libraryFile(dataDir), 0.3);

    const { page } = await open(dataDir);
    const restore = page.getByRole('button', { name: 'Restore backup' });
    await restore.waitFor();
    await page.getByText(/The backup from .*203 images\)\./).waitFor();
    await screenshot(page, 'recovery-restore-offered');
    await restore.click();
    await page.getByText(/Restored the automatic backup of .* \(203 images\)/).waitFor();
    await page.getByLabel('Library').getByRole('img').first().waitFor();
    await screenshot(page, 'recovery-restored');
  });

  it('quits from the recovery screen', async () => {
    const dataDir = await seededFolder();
    damage.replaceWithFolder(libraryFile(dataDir));
    const { studio, page } = await open(dataDir);
    await page.getByRole('button', { name: 'Quit' }).click();
    await page.getByRole('heading', { name: 'Ideogram Studio has quit' }).waitFor();
    for (let i = 0; i < 100 && !studio.output().includes('closed cleanly'); i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(studio.output()).toContain('[stop] closed cleanly');
  });
});

const settingsDamage: [string, string | Buffer, RegExp][] = [
  ['garbage', 'concurrency = lots\n{{{', /not valid JSON/],
  ['binary', Buffer.from([0x00, 0xff, 0x13, 0x37, 0x00, 0xc3, 0x28]), /binary data/],
];

describe('unreadable settings: the studio opens on defaults and says so', () => {
  it.each(settingsDamage)('%s settings.json', async (name, content, reason) => {
    const dataDir = await seededFolder();
    fs.writeFileSync(path.join(dataDir, 'settings.json'), content);
    const { page } = await open(dataDir);
    const notice = page.getByText(/Your settings file could not be read/);
    await notice.waitFor();
    expect(await notice.textContent()).toMatch(reason);
    await page.getByLabel('Prompt').waitFor();
    await screenshot(page, `recovery-settings-${name}`);
    const kept = fs.readdirSync(dataDir).find((n) => n.startsWith('settings.damaged-'))!;
    expect(fs.readFileSync(path.join(dataDir, kept))).toEqual(Buffer.from(content));
    await page.getByRole('button', { name: 'Dismiss' }).click();
    expect(await page.getByText(/Your settings file could not be read/).count()).toBe(0);
  });
});
