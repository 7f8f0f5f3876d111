import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../src/main/simulator/index.ts';
import {
  launchBrowser,
  postRpc,
  recordTraffic,
  startStudio,
  studioTraces,
  type StudioProcess,
} from './harness.ts';

const secretKey = 'sg-e2e-SECRET-c0ffee-4242';

let simulator: Simulator;
let studio: StudioProcess;
let browser: Browser;

beforeAll(async () => {
  // A "live" Segmind that only accepts our secret key: the app must use it, and only there.
  simulator = await startSimulator({ apiKey: secretKey, timeScale: 0.02 });
  studio = await startStudio({ env: { SEGMIND_API_KEY: secretKey, SEGMIND_BASE_URL: simulator.url } });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await studio?.stop();
  await simulator?.close();
});

describe('the API key stays in main', () => {
  it('never appears in IPC answers, events, logs, the database or media requests', async () => {
    const page = await browser.newPage();
    const traffic = recordTraffic(page, studio);
    await page.goto(studio.openUrl);
    const prompt = 'A badge that reads "KEY SAFE"';
    await page.getByLabel('Prompt').fill(prompt);
    await page.getByRole('button', { name: 'Generate' }).click();
    await page.getByLabel('Library').getByRole('img', { name: prompt }).first().waitFor({ timeout: 60_000 });
    const { body: status } = await postRpc(page, 'key:status', '');
    expect(status).toMatchObject({
      ok: true,
      value: { set: true, last4: secretKey.slice(-4), source: 'env' },
    });

    await traffic.stop();
    const stats = simulator.stats();
    expect(stats.submits).toBe(1);
    expect(stats.mediaRequestsWithKey).toBe(0);
    expect(traffic.text()).toContain('jobs:changed');
    expect(traffic.text()).toContain('"last4"');
    // The search below reads the data folder's files: the log must be among them, with this run in it.
    expect(readFileSync(join(studio.dataDir, 'studio.log'), 'utf8')).toMatch(
      /\[start\] Ideogram Studio .*browser mode/,
    );
    for (const text of [traffic.text(), ...studioTraces(studio)])
      expect(text.includes(secretKey)).toBe(false);
  });
});
