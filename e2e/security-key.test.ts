import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../src/main/simulator/index.ts';
import { launchBrowser, startStudio, type StudioProcess } from './harness.ts';

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
    const token = new URL(studio.openUrl).searchParams.get('token')!;
    const events = new AbortController();
    let eventText = '';
    const stream = fetch(`${studio.origin}/events`, {
      headers: { Authorization: `Bearer ${token}` },
      signal: events.signal,
    }).then(async (response) => {
      const decoder = new TextDecoder();
      for await (const chunk of response.body!)
        eventText += decoder.decode(chunk as Uint8Array, { stream: true });
    });

    const page = await browser.newPage();
    const answers: string[] = [];
    page.on('response', async (response) => {
      if (new URL(response.url()).pathname.startsWith('/rpc/'))
        answers.push(await response.text().catch(() => ''));
    });
    await page.goto(studio.openUrl);
    const prompt = 'A badge that reads "KEY SAFE"';
    await page.getByLabel('Prompt').fill(prompt);
    await page.getByRole('button', { name: 'Generate' }).click();
    await page.getByLabel('Library').getByRole('img', { name: prompt }).first().waitFor({ timeout: 60_000 });
    const status = await page.evaluate(async () => {
      const response = await fetch('/rpc/key:status', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: '',
      });
      return response.json();
    });
    expect(status).toMatchObject({
      ok: true,
      value: { set: true, last4: secretKey.slice(-4), source: 'env' },
    });

    events.abort();
    await stream.catch(() => {});
    const stats = simulator.stats();
    expect(stats.submits).toBe(1);
    expect(stats.mediaRequestsWithKey).toBe(0);

    const haystacks = [...answers, eventText, studio.output()];
    for (const entry of readdirSync(studio.dataDir, { recursive: true, withFileTypes: true })) {
      if (entry.isFile()) haystacks.push(readFileSync(join(entry.parentPath, entry.name)).toString('latin1'));
    }
    expect(answers.length).toBeGreaterThan(3);
    expect(eventText).toContain('jobs:changed');
    for (const text of haystacks) expect(text.includes(secretKey)).toBe(false);
  });
});
