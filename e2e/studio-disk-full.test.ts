import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canMountTmpfs } from '../src/main/jobs/test-support/tmpfs.ts';
import { launchBrowser, listJobs, screenshot, startStudio, type StudioProcess } from './harness.ts';

/**
 * Browser mode on a data folder whose disk really fills up: the host runs in its own user and mount
 * namespace with the data folder on a 64 MB tmpfs (the studio takes a disk as writable again once
 * 32 MB are free). A helper in the same namespace fills the disk when `fill` appears in the signal
 * folder (outside the tmpfs) and empties it again on `free`, as a user emptying the trash would.
 */
const canMount = canMountTmpfs();
if (!canMount) console.warn('[disk-full e2e] skipped: `unshare -rm` cannot mount a tmpfs here');

const inNamespace = `
  data="$1"; signals="$2"; shift 2
  mount -t tmpfs -o size=64m tmpfs "$data" || exit 1
  host=$$
  (
    until [ -e "$signals/fill" ]; do kill -0 $host 2>/dev/null || exit 0; sleep 0.1; done
    free=$(df -k "$data" | awk 'NR == 2 { print $4 }')
    dd if=/dev/zero of="$data/ballast" bs=1024 count=$((free - 96)) 2>/dev/null
    touch "$signals/filled"
    until [ -e "$signals/free" ]; do kill -0 $host 2>/dev/null || exit 0; sleep 0.1; done
    rm -f "$data/ballast"
  ) &
  exec "$@"`;

let signals: string;
let studio: StudioProcess;
let browser: Browser;
let page: Page;

const banner = () => page.locator('.banner');
const grid = () => page.getByLabel('Library', { exact: true });

async function generate(prompt: string): Promise<void> {
  await page.getByLabel('Prompt').fill(prompt);
  await page.getByRole('button', { name: 'Generate' }).click();
}

async function until(check: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

beforeAll(async () => {
  if (!canMount) return;
  signals = fs.mkdtempSync(path.join(os.tmpdir(), 'studio-disk-signals-'));
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'studio-disk-full-'));
  studio = await startStudio({
    dataDir,
    simTimeScale: 0.05,
    wrap: (argv) => ['unshare', '-rm', 'sh', '-c', inNamespace, 'sh', dataDir, signals, ...argv],
  });
  browser = await launchBrowser();
  page = await browser.newPage({ viewport: { width: 1360, height: 880 } });
  await page.goto(studio.openUrl);
});

afterAll(async () => {
  if (!canMount) return;
  await browser?.close();
  await studio?.stop();
  fs.rmSync(signals, { recursive: true, force: true });
  fs.rmSync(studio.dataDir, { recursive: true, force: true });
});

describe('a full disk in browser mode', () => {
  it.skipIf(!canMount)(
    'says the disk is full and where the data folder is (not "offline"), and finishes the image once space is freed',
    async () => {
      await generate('Before the disk filled: a lighthouse');
      await grid()
        .getByRole('img', { name: 'Before the disk filled: a lighthouse' })
        .waitFor({ timeout: 60_000 });

      fs.writeFileSync(path.join(signals, 'fill'), '');
      await until(() => fs.existsSync(path.join(signals, 'filled')), 'the disk to fill');
      await generate('After the disk filled: a harbour at night');
      const full = banner().and(page.locator('[data-reason="disk_full"]'));
      await full.waitFor({ timeout: 60_000 });
      // Which write meets the full disk first decides the banner, and both are the app's answer: the
      // image's download (the queue pauses and keeps the job) or a library write (the library turns
      // read-only until space is freed; a job it could not write was never queued, so it is asked again).
      const text = (await full.textContent()) ?? '';
      expect(text).toContain('The disk is full');
      expect(text).toContain(studio.dataDir);
      if (!text.includes('read-only')) expect(text).toContain('The data folder cannot be written');
      expect(await page.getByText('Offline').count()).toBe(0);
      await screenshot(page, 'studio-disk-full');
      const prompt = 'After the disk filled: a harbour at night';
      const kept = (await listJobs(page)).some((job) => job.prompt === prompt);

      fs.writeFileSync(path.join(signals, 'free'), '');
      await banner().waitFor({ state: 'detached', timeout: 90_000 });
      if (!kept) await generate(prompt);
      await grid()
        .getByRole('img', { name: 'After the disk filled: a harbour at night' })
        .waitFor({ timeout: 60_000 });
      await screenshot(page, 'studio-disk-freed');
    },
    240_000,
  );
});
