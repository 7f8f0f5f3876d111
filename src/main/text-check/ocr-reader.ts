import { Worker } from 'node:worker_threads';
import type { Logger } from '../logging/logger.ts';
import type { EngineName } from './ocr-engines.ts';
import type { OcrReading, OcrReply, OcrRequest } from './ocr-protocol.ts';

export interface OcrReaderOptions {
  logger?: Logger;
  /** Longest side the engines see. 2K posters are scaled down: reading time grows with the pixels. */
  maxSide?: number;
}

export interface OcrReader {
  read(file: string, engines: readonly EngineName[]): Promise<OcrReading[]>;
  close(): Promise<void>;
}

/**
 * The worker's file: next to this one when running from source (Node strips the types), or the
 * bundle electron-vite builds beside out/main/index.js. Named through a variable so the bundler
 * leaves the URL alone.
 */
function workerUrl(): URL {
  const file = import.meta.url.endsWith('.ts') ? './ocr-worker.ts' : './text-check-worker.js';
  return new URL(file, import.meta.url);
}

/**
 * Reads images on one OCR worker thread, started on first use. A worker that dies (out of memory on
 * a huge image, a crash in an engine) fails the readings it held and is started afresh for the next.
 */
export function createOcrReader(options: OcrReaderOptions = {}): OcrReader {
  const maxSide = options.maxSide ?? 1600;
  let worker: Worker | null = null;
  let nextId = 1;
  const reported = new Set<EngineName>();
  const pending = new Map<number, { resolve(r: OcrReading[]): void; reject(e: Error): void }>();

  function failAll(error: Error): void {
    for (const waiter of pending.values()) waiter.reject(error);
    pending.clear();
  }

  function start(): Worker {
    const started = new Worker(workerUrl());
    started.on('message', (reply: OcrReply) => {
      const waiter = pending.get(reply.id);
      if (!waiter) return;
      pending.delete(reply.id);
      if (reply.ok) {
        for (const { engine, message } of reply.skipped) {
          if (reported.has(engine)) continue;
          reported.add(engine);
          options.logger?.warn(
            `[text-check] OCR engine ${engine} is unavailable here, checking without it:`,
            message,
          );
        }
        waiter.resolve(reply.readings);
      } else waiter.reject(new Error(reply.message));
    });
    started.on('error', (error) => {
      options.logger?.error('[text-check] OCR worker failed:', error);
      if (worker === started) worker = null;
      failAll(error);
    });
    started.on('exit', (code) => {
      if (worker === started) worker = null;
      if (pending.size > 0) failAll(new Error(`The OCR worker stopped (exit code ${code}).`));
    });
    return started;
  }

  return {
    read(file, engines) {
      worker ??= start();
      const id = nextId++;
      const request: OcrRequest = { id, file, engines: [...engines], maxSide };
      const reading = new Promise<OcrReading[]>((resolve, reject) => pending.set(id, { resolve, reject }));
      worker.postMessage(request);
      return reading;
    },
    async close() {
      const closing = worker;
      worker = null;
      if (!closing) return;
      const exited = new Promise<void>((resolve) => closing.once('exit', () => resolve()));
      closing.postMessage('close');
      // The worker lets the readings under way finish (one takes a second or two, longer on a busy
      // machine); an engine that hangs past that must still not hold the app open.
      const timer = setTimeout(() => void closing.terminate(), 15_000);
      await exited;
      clearTimeout(timer);
      failAll(new Error('The OCR reader was closed.'));
    },
  };
}
