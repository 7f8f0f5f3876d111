import { createServer, type AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../src/main/simulator/index.ts';
import {
  launchBrowser,
  recordTraffic,
  screenshot,
  startStudio,
  studioTraces,
  type StudioProcess,
} from './harness.ts';

/**
 * Live mode against a Segmind stand-in on a fixed port: the app is told the API lives there, the
 * stand-in goes away (offline) and comes back on the same port (recovery).
 */

const KEY = 'e2e-offline-key-7781';

let port: number;
let simulator: Simulator | null = null;
let studio: StudioProcess;
let browser: Browser;
let page: Page;
let traffic: ReturnType<typeof recordTraffic>;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port: free } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return free;
}

const grid = () => page.getByLabel('Library', { exact: true });
const banner = () => page.locator('.banner');

async function generate(prompt: string): Promise<void> {
  await page.getByLabel('Prompt').fill(prompt);
  await page.getByRole('button', { name: 'Generate' }).click();
}

beforeAll(async () => {
  port = await freePort();
  simulator = await startSimulator({ port, timeScale: 0.02 });
  studio = await startStudio({ env: { SEGMIND_API_KEY: KEY, SEGMIND_BASE_URL: simulator.url } });
  browser = await launchBrowser();
  page = await browser.newPage({ viewport: { width: 1360, height: 880 } });
  traffic = recordTraffic(page, studio);
  await page.goto(studio.openUrl);
});

afterAll(async () => {
  await traffic?.stop();
  await browser?.close();
  await studio?.stop();
  await simulator?.close();
});

describe('offline and back', () => {
  it('runs live with the key from the environment, showing only its last four characters', async () => {
    await page.getByText('Live: Segmind').waitFor();
    expect(await page.getByText('Simulated images.').count()).toBe(0);
    await page.getByRole('button', { name: 'Settings', exact: true }).click();
    const settings = page.getByRole('dialog', { name: 'Settings' });
    await settings
      .getByText('The key in use ends in 7781 and comes from the SEGMIND_API_KEY environment variable.', {
        exact: false,
      })
      .waitFor();
    expect(await page.content()).not.toContain(KEY);
    await screenshot(page, 'studio-settings-live-light');
    await settings.getByRole('button', { name: 'Close' }).click();

    await generate('A calm harbour at dawn');
    await grid().getByRole('img', { name: 'A calm harbour at dawn' }).waitFor({ timeout: 60_000 });
  });

  it('shows the offline banner while the API is unreachable and recovers when it returns', async () => {
    await simulator?.close();
    simulator = null;
    await generate('A storm over the harbour');
    await banner().getByText('Offline: Segmind cannot be reached').waitFor({ timeout: 90_000 });
    await page.getByRole('list', { name: 'Jobs' }).getByText('A storm over the harbour').waitFor();
    await screenshot(page, 'studio-offline-light');

    simulator = await startSimulator({ port, timeScale: 0.02 });
    // Recovery is the engine's own probe; the page only has to follow the queue's status events.
    await banner().waitFor({ state: 'detached', timeout: 120_000 });
    await grid().getByRole('img', { name: 'A storm over the harbour' }).waitFor({ timeout: 60_000 });
    await expect.poll(() => grid().getByRole('img').count()).toBe(2);
    await screenshot(page, 'studio-recovered-light');
  });

  it('says when the credits run out, and resumes when the user has topped up', async () => {
    simulator?.setCredits(0);
    await generate('A lighthouse keeper counting coins');
    await banner().getByText('Out of credits', { exact: true }).waitFor({ timeout: 60_000 });
    await banner()
      .getByText(/top up/i)
      .waitFor();
    await screenshot(page, 'studio-out-of-credits-light');
    simulator?.setCredits(1000);
    await banner().getByRole('button', { name: 'Resume' }).click();
    await banner().waitFor({ state: 'detached', timeout: 60_000 });
    await grid()
      .getByRole('img', { name: 'A lighthouse keeper counting coins' })
      .waitFor({ timeout: 60_000 });
  });

  it('never let the key reach the page, the event stream, the log or the data folder', async () => {
    await traffic.stop();
    expect(traffic.text()).toContain('queue:status');
    for (const text of [traffic.text(), ...studioTraces(studio)]) expect(text.includes(KEY)).toBe(false);
  });
});
