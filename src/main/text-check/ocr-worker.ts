/**
 * The OCR thread. Decoding, the engines' wasm and their JavaScript pre- and post-processing all run
 * here, so main's event loop (IPC, the job engine, SQLite) never waits on a reading.
 */
import { setPriority } from 'node:os';
import { parentPort } from 'node:worker_threads';
import sharp from 'sharp';
import { createEngine, type EngineName, type OcrEngine } from './ocr-engines.ts';
import type { OcrReading, OcrReply, OcrRequest } from './ocr-protocol.ts';

if (!parentPort) throw new Error('ocr-worker.ts runs as a worker thread');
// Reading is background work: main's event loop (and on a busy machine, everything else) goes first.
// On Linux a nice value belongs to the thread that sets it, and the engines' threads started from
// here inherit it; elsewhere it would lower the whole app, so it is left alone there.
if (process.platform === 'linux') {
  try {
    setPriority(0, 10);
  } catch {
    // A sandbox that forbids it leaves the worker at normal priority.
  }
}
const port = parentPort;
/** Set by 'close': readings not yet begun are refused, the ones under way finish. */
let closing = false;
const engines = new Map<EngineName, Promise<OcrEngine>>();

function engine(name: EngineName): Promise<OcrEngine> {
  let made = engines.get(name);
  if (!made) {
    made = createEngine(name);
    // A failed start is retried on the next request rather than remembered forever.
    made.catch(() => engines.delete(name));
    engines.set(name, made);
  }
  return made;
}

/** White behind transparency (OCR reads dark on light best), EXIF turns applied, big images scaled down. */
async function prepare(request: OcrRequest): Promise<Buffer> {
  return sharp(request.file, { limitInputPixels: 10_000 * 10_000 })
    .rotate()
    .flatten({ background: '#ffffff' })
    .resize({ width: request.maxSide, height: request.maxSide, fit: 'inside', withoutEnlargement: true })
    .png({ compressionLevel: 1 })
    .toBuffer();
}

/**
 * Every engine asked for that works reads the image. One that cannot start here (onnxruntime ships
 * no binary for some platforms) is reported and skipped; the caller picks a stand-in.
 */
async function handle(request: OcrRequest): Promise<OcrReply> {
  if (closing) throw new Error('The OCR reader is closing.');
  const png = await prepare(request);
  const readings: OcrReading[] = [];
  const skipped: { engine: EngineName; message: string }[] = [];
  for (const name of request.engines) {
    let reader: OcrEngine;
    try {
      reader = await engine(name);
    } catch (error) {
      skipped.push({ engine: name, message: error instanceof Error ? error.message : String(error) });
      continue;
    }
    if (closing) throw new Error('The OCR reader is closing.');
    const started = performance.now();
    const lines = await reader.read(png);
    readings.push({ engine: name, lines, ms: performance.now() - started });
  }
  return { id: request.id, ok: true, readings, skipped };
}

/**
 * The readings, one after another. Closing waits for the one under way, since onnxruntime's native
 * run may not outlive its thread; the ones queued behind it are refused at once. Run side by side,
 * six readings on a loaded machine took past main's 15 s terminate, which aborts the process in
 * the middle of an inference. One at a time costs nothing: the text check asks for one at a time.
 */
let readings: Promise<void> = Promise.resolve();

port.on('message', (message: OcrRequest | 'close') => {
  if (message === 'close') {
    closing = true;
    // An engine torn down under a running inference ends the whole process ("terminate called after
    // throwing an instance of 'Napi::Error'"), so the reading under way finishes first; its answer
    // goes unread.
    void readings
      .then(() => Promise.allSettled([...engines.values()].map(async (e) => (await e).close())))
      .then(() => port.close());
    return;
  }
  readings = readings.then(() =>
    handle(message).then(
      (reply) => port.postMessage(reply),
      (error: unknown) =>
        port.postMessage({
          id: message.id,
          ok: false,
          message: error instanceof Error ? error.message : String(error),
        } satisfies OcrReply),
    ),
  );
});
