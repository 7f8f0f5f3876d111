/**
 * Browser-mode imports, side by side in one run on the same files:
 * 1. raw sharp: the decode + two WebP thumbnails an import needs, nothing else (the ceiling);
 * 1b. in process: library.importFiles called directly, no transport (what a transport can reach);
 * 2. binary: each file POSTed raw to the host's upload route, as the page now sends it (N in flight);
 * 3. base64 JSON: the transport this replaced, emulated: 20 files per call as base64 in a JSON body,
 *    parsed, decoded and round-trip checked in main as the old handler did, then the same import.
 * Each side imports into its own library (a second import of the same bytes would skip the work).
 * Chunks of 20 files take turns, the order rotated every chunk, so load from the other engineers on a
 * shared machine falls on every side alike. The client runs on a worker thread, as a browser would be
 * another process, so its HTTP work does not land on the host's event loop; in a browser the old side
 * paid more still (base64 in page JavaScript), so its figure here flatters it.
 *
 * With --browser, Chromium joins: the new and the old transport run from pages on the two hosts'
 * origins (the old one base64-encodes in page JavaScript, as the old page did), and a drop on the real
 * page (the built renderer, its bridge, a browser-mode host in its own process) is timed until the
 * library counts the images.
 *
 * npm run bench:web-import [-- --import=M --inflight=N --browser]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import sharp from 'sharp';
import { z } from 'zod';
import { ImportResult, libraryApi } from '../src/shared/api/library.ts';
import { uploadRoute } from '../src/shared/api/transfers.ts';
import { AppError, defineMethod } from '../src/shared/rpc.ts';
import { openDatabase } from '../src/main/library/database.ts';
import { createLibraryHandlers } from '../src/main/library/handlers.ts';
import { createLibrary, type Library } from '../src/main/library/library.ts';
import { resolveMediaRequest } from '../src/main/library/media-route.ts';
import { thumbnailSizes } from '../src/main/library/thumbnails.ts';
import { createDispatcher } from '../src/main/rpc/dispatcher.ts';
import { createEventBus } from '../src/main/rpc/event-bus.ts';
import { mulberry32 } from '../src/main/simulator/seeded-random.ts';
import { startWebHost, type WebHost } from '../src/main/web/web-host.ts';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, startStudio, type StudioProcess } from '../e2e/harness.ts';
import { printTable, writeResults } from './bench-table.ts';

const option = (name: string, fallback: number) => {
  const arg = process.argv.find((a) => a.startsWith(`--${name}=`));
  return arg ? Number(arg.split('=')[1]) : fallback;
};
const IMPORTS = option('import', 60);
// As many as the page's bridge sends at once (parallelUploads in http-bridge.ts).
const IN_FLIGHT = option('inflight', 4);
const CHUNK = 20;
const BROWSER = process.argv.includes('--browser');
const workers = Math.max(2, Math.min(4, os.availableParallelism()));
const token = 'bench-token-0123456789abcdef';

async function makeFiles(dir: string): Promise<string[]> {
  fs.mkdirSync(dir, { recursive: true });
  const side = 1024;
  const files: string[] = [];
  for (let i = 0; i < IMPORTS; i++) {
    // Gradients with grain, as bench:library makes them: photographic-sized PNGs, each unique.
    const raw = Buffer.alloc(side * side * 3);
    const r = mulberry32(5000 + i);
    for (let o = 0; o < raw.length; o += 3) {
      const x = (o / 3) % side;
      const y = Math.floor(o / 3 / side);
      const grain = (r() * 24) | 0;
      raw[o] = (x / 4 + i * 7 + grain) & 255;
      raw[o + 1] = (y / 4 + grain) & 255;
      raw[o + 2] = ((x + y) / 8 + i * 3 + grain) & 255;
    }
    const file = path.join(dir, `image-${i}.png`);
    await sharp(raw, { raw: { width: side, height: side, channels: 3 } })
      .png()
      .toFile(file);
    files.push(file);
  }
  return files;
}

async function rawSharp(files: string[]): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: workers }, async () => {
      while (next < files.length) {
        const bytes = await fs.promises.readFile(files[next++]!);
        await sharp(bytes).metadata();
        const image = sharp(bytes, { failOn: 'error' }).rotate();
        await Promise.all(
          Object.values(thumbnailSizes).map((size) =>
            image
              .clone()
              .resize(size, size, { fit: 'inside', withoutEnlargement: true })
              .webp({ quality: 80, effort: 2 })
              .toBuffer(),
          ),
        );
      }
    }),
  );
}

/** The handler this work replaced: base64 text, decoded and checked by re-encoding. */
function decodeBase64(name: string, dataBase64: string): Buffer {
  const bytes = Buffer.from(dataBase64, 'base64');
  if (bytes.toString('base64').replace(/=+$/, '') !== dataBase64.replace(/\s/g, '').replace(/=+$/, '')) {
    throw new AppError('validation', `${name}: the file data is not valid base64.`);
  }
  return bytes;
}

async function hostFor(dir: string): Promise<{ host: WebHost; library: Library; close(): Promise<void> }> {
  fs.mkdirSync(dir, { recursive: true });
  const db = openDatabase(path.join(dir, 'library.sqlite3'));
  const library = createLibrary({ db, dataDir: dir });
  const api = {
    ...libraryApi,
    'bench:importBase64': defineMethod(
      z.object({ files: z.array(z.object({ name: z.string(), dataBase64: z.string().max(60_000_000) })) }),
      ImportResult,
    ),
  };
  const dispatch = createDispatcher(api, {
    ...createLibraryHandlers(library),
    'bench:importBase64': ({ files }) =>
      library.importFiles(files.map((f) => ({ name: f.name, bytes: decodeBase64(f.name, f.dataBase64) }))),
  });
  const host = await startWebHost({
    dispatch,
    bus: createEventBus(),
    staticDir: dir,
    token,
    maxBodyBytes: 160 * 1024 * 1024,
    resolveMedia: (route) => resolveMediaRequest(library, route),
  });
  return {
    host,
    library,
    async close() {
      await host.close();
      db.close();
    },
  };
}

function expectImported(answer: unknown, count: number): void {
  const envelope = answer as { ok: boolean; value?: { imported: string[]; duplicates: number } };
  if (!envelope.ok || envelope.value!.imported.length !== count || envelope.value!.duplicates !== 0)
    throw new Error(`import went wrong: ${JSON.stringify(answer).slice(0, 300)}`);
}

/** As the page's bridge does it: one raw request per file, a few in flight. */
async function binary(url: string, files: string[]): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (next < files.length) {
        const file = files[next++]!;
        const bytes = await fs.promises.readFile(file);
        const response = await fetch(url + uploadRoute('library:importFiles', path.basename(file)), {
          method: 'POST',
          headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/octet-stream' },
          body: bytes,
        });
        expectImported(await response.json(), 1);
      }
    }),
  );
}

/** As the old page did it: the whole chunk in one JSON call, every file as base64. */
async function base64Json(url: string, files: string[]): Promise<void> {
  const payload = await Promise.all(
    files.map(async (file) => ({
      name: path.basename(file),
      dataBase64: (await fs.promises.readFile(file)).toString('base64'),
    })),
  );
  const response = await fetch(`${url}/rpc/bench:importBase64`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ files: payload }),
  });
  expectImported(await response.json(), files.length);
}

/** The client side, on its own thread: runs one chunk per message and answers when it is done. */
function clientThread(urls: { binary: string; base64: string }): void {
  parentPort!.on('message', async ({ side, files }: { side: 'binary' | 'base64'; files: string[] }) => {
    try {
      if (side === 'binary') await binary(urls.binary, files);
      else await base64Json(urls.base64, files);
      parentPort!.postMessage({ ok: true });
    } catch (error) {
      parentPort!.postMessage({ ok: false, message: String(error) });
    }
  });
}

function startClient(urls: { binary: string; base64: string }) {
  const worker = new Worker(new URL(import.meta.url), { workerData: urls });
  return {
    run(side: 'binary' | 'base64', files: string[]): Promise<void> {
      return new Promise((resolve, reject) => {
        worker.once('message', (answer: { ok: boolean; message?: string }) =>
          answer.ok ? resolve() : reject(new Error(answer.message)),
        );
        worker.postMessage({ side, files });
      });
    },
    stop: () => worker.terminate(),
  };
}

/**
 * The page as a person uses it: a drop of files, timed from the drop until the library counts them.
 * Building the dropped File objects inside the page (from base64 the bench sends) is not timed.
 */
async function openStudioPage(): Promise<{
  drop(files: string[]): Promise<number>;
  uploadSeconds: () => number;
  close(): Promise<void>;
}> {
  const studio: StudioProcess = await startStudio({ simTimeScale: 0.05 });
  const browser: Browser = await launchBrowser();
  const page: Page = await browser.newPage({ viewport: { width: 1360, height: 880 } });
  await page.goto(studio.openUrl);
  const target = page.locator('section.library-panel');
  let total = 0;
  let answered = 0;
  page.on('response', (response) => {
    if (response.url().includes('/upload/library:importFiles')) answered++;
  });
  let uploads = 0;
  return {
    uploadSeconds: () => uploads,
    async drop(files) {
      const items = await Promise.all(
        files.map(async (file) => ({
          name: path.basename(file),
          base64: (await fs.promises.readFile(file)).toString('base64'),
        })),
      );
      const dataTransfer = await page.evaluateHandle((list) => {
        const transfer = new DataTransfer();
        for (const item of list) {
          const bytes = Uint8Array.from(atob(item.base64), (char) => char.charCodeAt(0));
          transfer.items.add(new File([bytes], item.name, { type: 'image/png' }));
        }
        return transfer;
      }, items);
      total += files.length;
      const started = performance.now();
      await target.dispatchEvent('dragover', { dataTransfer });
      await target.dispatchEvent('drop', { dataTransfer });
      while (answered < total) await new Promise((done) => setTimeout(done, 20));
      uploads += (performance.now() - started) / 1000;
      await page.getByText(`${total.toLocaleString()} images`, { exact: true }).waitFor({ timeout: 600_000 });
      const seconds = (performance.now() - started) / 1000;
      await dataTransfer.dispose();
      return seconds;
    },
    async close() {
      await browser.close();
      await studio.stop();
      fs.rmSync(studio.dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * The two transports as a page runs them, each from a page on its host's origin. Bytes are made in
 * the page untimed; the timed part is what the import cost the page and the host.
 */
async function openTransportPages(browser: Browser, binaryUrl: string, base64Url: string) {
  const pageOn = async (url: string) => {
    const page = await browser.newPage();
    await page.goto(`${url}/blank`);
    return page;
  };
  const pages = { binary: await pageOn(binaryUrl), base64: await pageOn(base64Url) };
  return async (side: 'binary' | 'base64', files: string[]): Promise<number> => {
    const items = await Promise.all(
      files.map(async (file) => ({
        name: path.basename(file),
        base64: (await fs.promises.readFile(file)).toString('base64'),
      })),
    );
    return pages[side].evaluate(
      async ({ items, side, token, inFlight, route }) => {
        const files = items.map((item) => ({
          name: item.name,
          bytes: Uint8Array.from(atob(item.base64), (char) => char.charCodeAt(0)),
        }));
        const headers = { Authorization: `Bearer ${token}` };
        const started = performance.now();
        if (side === 'binary') {
          let next = 0;
          await Promise.all(
            Array.from({ length: inFlight }, async () => {
              while (next < files.length) {
                const file = files[next++]!;
                const response = await fetch(`${route}?name=${encodeURIComponent(file.name)}`, {
                  method: 'POST',
                  headers: { ...headers, 'Content-Type': 'application/octet-stream' },
                  body: new Blob([file.bytes]),
                });
                if (!(await response.json()).ok) throw new Error('upload refused');
              }
            }),
          );
        } else {
          // The old page's readBase64, verbatim in effect: 32 kB slices through String.fromCharCode.
          const payload = files.map((file) => {
            let binary = '';
            for (let i = 0; i < file.bytes.length; i += 0x8000)
              binary += String.fromCharCode(...file.bytes.subarray(i, i + 0x8000));
            return { name: file.name, dataBase64: btoa(binary) };
          });
          const response = await fetch('/rpc/bench:importBase64', {
            method: 'POST',
            headers: { ...headers, 'Content-Type': 'application/json' },
            body: JSON.stringify({ files: payload }),
          });
          if (!(await response.json()).ok) throw new Error('import refused');
        }
        return (performance.now() - started) / 1000;
      },
      {
        items,
        side,
        token,
        inFlight: IN_FLIGHT,
        route: uploadRoute('library:importFiles', '').split('?')[0]!,
      },
    );
  };
}

async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-web-import-'));
  try {
    const loadBefore = os.loadavg()[0]!;
    console.log(`web import bench: ${IMPORTS} PNGs of 1024x1024, ${IN_FLIGHT} uploads in flight, in ${dir}`);
    const files = await makeFiles(path.join(dir, 'files'));
    const bytes = files.reduce((sum, f) => sum + fs.statSync(f).size, 0);
    const binaryHost = await hostFor(path.join(dir, 'binary'));
    const base64Host = await hostFor(path.join(dir, 'base64'));
    const directHost = await hostFor(path.join(dir, 'direct'));
    const pageBinaryHost = BROWSER ? await hostFor(path.join(dir, 'page-binary')) : null;
    const pageBase64Host = BROWSER ? await hostFor(path.join(dir, 'page-base64')) : null;
    const transportBrowser = BROWSER ? await launchBrowser() : null;
    const inPage =
      transportBrowser && pageBinaryHost && pageBase64Host
        ? await openTransportPages(transportBrowser, pageBinaryHost.host.url, pageBase64Host.host.url)
        : null;
    const client = startClient({ binary: binaryHost.host.url, base64: base64Host.host.url });
    await rawSharp(files.slice(0, 4)); // warm-up, untimed
    const seconds = { raw: 0, direct: 0, binary: 0, base64: 0, pageBinary: 0, pageBase64: 0, chromium: 0 };
    const studioPage = BROWSER ? await openStudioPage() : null;
    // A side that times itself (the browser's, which first builds its files untimed) returns seconds.
    const sides: [keyof typeof seconds, (part: string[]) => Promise<number | void>][] = [
      ['raw', rawSharp],
      [
        'direct',
        async (part) => {
          const items = await Promise.all(
            part.map(async (file) => ({
              name: path.basename(file),
              bytes: await fs.promises.readFile(file),
            })),
          );
          expectImported({ ok: true, value: await directHost.library.importFiles(items) }, part.length);
        },
      ],
      ['binary', (part) => client.run('binary', part)],
      ['base64', (part) => client.run('base64', part)],
    ];
    if (inPage) {
      sides.push(['pageBinary', (part) => inPage('binary', part)]);
      sides.push(['pageBase64', (part) => inPage('base64', part)]);
    }
    if (studioPage) sides.push(['chromium', (part) => studioPage.drop(part)]);
    for (let i = 0; i < files.length; i += CHUNK) {
      const part = files.slice(i, i + CHUNK);
      const turn = (i / CHUNK) % sides.length;
      for (const [name, run] of [...sides.slice(turn), ...sides.slice(0, turn)]) {
        const started = performance.now();
        const timed = await run(part);
        seconds[name] += typeof timed === 'number' ? timed : (performance.now() - started) / 1000;
      }
    }
    await client.stop();
    await studioPage?.close();
    await transportBrowser?.close();
    await pageBinaryHost?.close();
    await pageBase64Host?.close();
    await binaryHost.close();
    await base64Host.close();
    await directHost.close();
    const loadAfter = os.loadavg()[0]!;
    const row = (measure: string, secs: number) => ({
      measure,
      seconds: secs,
      imagesPerSecond: IMPORTS / secs,
      ofRaw: seconds.raw / secs,
    });
    const rows = [
      row('raw sharp (decode + 2 WebP thumbnails)', seconds.raw),
      row('library.importFiles in process (no transport)', seconds.direct),
      row(`binary upload per file (${IN_FLIGHT} in flight)`, seconds.binary),
      row('base64 JSON, 20 per call (the old transport)', seconds.base64),
    ];
    if (inPage) {
      rows.push(row(`Chromium page: binary uploads as Blobs (${IN_FLIGHT} in flight)`, seconds.pageBinary));
      rows.push(row('Chromium page: base64 in the page, JSON, 20 per call (old)', seconds.pageBase64));
    }
    if (studioPage) {
      rows.push(row('Chromium: drop on the page until every upload is answered', studioPage.uploadSeconds()));
      rows.push(row('Chromium: drop on the page, binary uploads, until counted', seconds.chromium));
    }
    printTable(rows);
    // The target is for browser mode as a person uses it: the drop on the real page when the
    // browser ran, else the Node client's binary uploads.
    const target = 0.8;
    const judged = studioPage ? seconds.chromium : seconds.binary;
    const held = seconds.raw / judged >= target;
    const ratio = (a: number, b: number) => (b > 0 ? (a / b).toFixed(2) : 'n/a');
    console.log(
      [
        `target: ${studioPage ? 'a drop on the page' : 'binary uploads'} >= ${target}x raw sharp: ${held ? 'held' : 'missed'} (${ratio(seconds.raw, judged)}x)`,
        `Node client: binary over base64 ${ratio(seconds.base64, seconds.binary)}x, binary of in-process ${ratio(seconds.direct, seconds.binary)}x`,
        ...(inPage
          ? [`Chromium page: binary over the old base64 ${ratio(seconds.pageBase64, seconds.pageBinary)}x`]
          : []),
        `load average ${loadBefore.toFixed(1)} -> ${loadAfter.toFixed(1)} (1 min)`,
      ].join('\n'),
    );
    const file = writeResults('web-import', {
      imports: IMPORTS,
      megabytes: Math.round(bytes / 1024 / 1024),
      inFlight: IN_FLIGHT,
      workers,
      loadAverage: { before: loadBefore, after: loadAfter },
      rows,
      target: { ofRaw: target, held },
    });
    console.log(`results: ${file}`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (isMainThread) await main();
else clientThread(workerData as { binary: string; base64: string });
