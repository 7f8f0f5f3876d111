/**
 * bench:text, the page's part: long tasks in real Chromium while the text check reads 50 new
 * images. Kept out of the e2e suite on purpose: a long task is a timing, and on a shared machine a
 * timing belongs in a bench that reports the load next to it.
 */
import os from 'node:os';
import type { Page } from 'playwright-core';
import { launchBrowser, startStudio, studioToken } from '../e2e/harness.ts';

export interface PageRun {
  images: number;
  checkedWhenMeasuring: number;
  longTasks: number;
  longestMs: number;
  over50Ms: number;
  load: string;
}

async function rpc<T>(page: Page, token: string, method: string, input: unknown): Promise<T> {
  return page.evaluate(
    async ({ method, input, token }) => {
      const response = await fetch(`/rpc/${method}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
        body: JSON.stringify(input),
      });
      return ((await response.json()) as { value: unknown }).value;
    },
    { method, input, token },
  ) as Promise<T>;
}

async function until(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('bench:text page run: timed out');
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
}

export async function measurePage(images = 50): Promise<PageRun> {
  const studio = await startStudio({ simTimeScale: 0.05 });
  const browser = await launchBrowser();
  try {
    const token = studioToken(studio);
    const page = await browser.newPage({ viewport: { width: 1360, height: 900 } });
    await page.addInitScript(() => {
      const tasks: number[] = [];
      (window as unknown as { longTasks: number[] }).longTasks = tasks;
      new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) tasks.push(entry.duration);
      }).observe({ type: 'longtask', buffered: true });
    });
    await page.goto(studio.openUrl);
    await page.getByLabel('Library').waitFor();
    for (let i = 0; i < images; i++) {
      await rpc(page, token, 'jobs:create', {
        model: 'ideogram-3',
        params: {
          prompt: `Poster ${i} that says "SALE ${i}"`,
          rendering_speed: 'TURBO',
          magic_prompt: 'OFF',
        },
      });
    }
    type Items = { items: { textStatus: string | null }[] };
    const list = () => rpc<Items>(page, token, 'library:list', { limit: 100 });
    const done = (items: Items['items']) =>
      items.filter((item) => item.textStatus !== null && item.textStatus !== 'pending').length;
    // Taking in the new tiles is the grid's work (bench:ui measures it): the window opens once they
    // are stored and shown, so what it sees is the page hearing of checks finishing.
    await until(async () => (await list()).items.length >= images, 300_000);
    await page.waitForTimeout(2_000);
    await page.evaluate(() => ((window as unknown as { longTasks: number[] }).longTasks.length = 0));
    const checkedWhenMeasuring = done((await list()).items);
    await until(async () => done((await list()).items) >= images, 600_000);
    const tasks = await page.evaluate(() => (window as unknown as { longTasks: number[] }).longTasks);
    return {
      images,
      checkedWhenMeasuring,
      longTasks: tasks.length,
      longestMs: Math.round(Math.max(0, ...tasks)),
      over50Ms: tasks.filter((ms) => ms > 50).length,
      load: os
        .loadavg()
        .map((v) => v.toFixed(1))
        .join(' '),
    };
  } finally {
    await browser.close();
    await studio.stop();
  }
}
