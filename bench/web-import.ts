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
 * npm run bench:web-import [-- --import=M --inflight=N]
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
import { printTable, writeResults } from './bench-table.ts';

const option = (name: string, fallback: number) => {
  const arg = process.argv.find((a) => a.startsWith(`--${name}=`));
  return arg ? Number(arg.split('=')[1]) : fallback;
};
const IMPORTS = option('import', 60);
// As many as the page's bridge sends at once (parallelUploads in http-bridge.ts).
const IN_FLIGHT = option('inflight', 4);
const CHUNK = 20;
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
    const client = startClient({ binary: binaryHost.host.url, base64: base64Host.host.url });
    await rawSharp(files.slice(0, 4)); // warm-up, untimed
    const seconds = { raw: 0, direct: 0, binary: 0, base64: 0 };
    const sides: [keyof typeof seconds, (part: string[]) => Promise<void>][] = [
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
    for (let i = 0; i < files.length; i += CHUNK) {
      const part = files.slice(i, i + CHUNK);
      const turn = (i / CHUNK) % sides.length;
      for (const [name, run] of [...sides.slice(turn), ...sides.slice(0, turn)]) {
        const started = performance.now();
        await run(part);
        seconds[name] += (performance.now() - started) / 1000;
      }
    }
    await client.stop();
    await binaryHost.close();
    await base64Host.close();
    await directHost.close();
    const loadAfter = os.loadavg()[0]!;
    const rate = (s: number) => IMPORTS / s;
    const rows = [
      {
        measure: 'raw sharp (decode + 2 WebP thumbnails)',
        seconds: seconds.raw,
        imagesPerSecond: rate(seconds.raw),
        ofRaw: 1,
      },
      {
        measure: 'library.importFiles in process (no transport)',
        seconds: seconds.direct,
        imagesPerSecond: rate(seconds.direct),
        ofRaw: seconds.raw / seconds.direct,
      },
      {
        measure: `binary upload per file (${IN_FLIGHT} in flight)`,
        seconds: seconds.binary,
        imagesPerSecond: rate(seconds.binary),
        ofRaw: seconds.raw / seconds.binary,
      },
      {
        measure: 'base64 JSON, 20 per call (the old transport)',
        seconds: seconds.base64,
        imagesPerSecond: rate(seconds.base64),
        ofRaw: seconds.raw / seconds.base64,
      },
    ];
    printTable(rows);
    const target = 0.8;
    const held = seconds.raw / seconds.binary >= target;
    console.log(
      `target: binary >= ${target}x raw sharp: ${held ? 'held' : 'missed'}; binary over base64: ${(seconds.base64 / seconds.binary).toFixed(2)}x; binary of in-process: ${(seconds.direct / seconds.binary).toFixed(2)}x; load average ${loadBefore.toFixed(1)} -> ${loadAfter.toFixed(1)} (1 min)`,
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
