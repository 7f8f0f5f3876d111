import { createWriteStream } from 'node:fs';
import fs from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { uploadLimits, type RestoreResult, type UploadMethod } from '../../shared/api/transfers.ts';
import { AppError, type Envelope } from '../../shared/rpc.ts';
import type { Logger } from '../logging/logger.ts';
import type { Dispatch } from '../rpc/dispatcher.ts';
import {
  BodyTooLarge,
  describeBytes,
  readBody,
  securityHeaders,
  sendEnvelope,
  sendError,
  sendTooLarge,
} from './http-replies.ts';

/** What the host needs from the library for whole-library moves; all of it stays in the data folder. */
export interface LibraryTransfers {
  /** A zip of the database (an online copy) and every file it needs, made as it is read. */
  backupZip(): Promise<{ name: string; stream: Readable }>;
  /** Validates an uploaded backup zip and merges it in, keeping the current database aside first. */
  restoreZip(file: string): Promise<RestoreResult>;
  /** A temp path in the data folder (same disk, cleaned at start if a crash leaves it). */
  tempFile(name: string): Promise<string>;
  /** Free bytes where the data folder is. */
  freeBytes(): Promise<number>;
}

export interface TransferRouteOptions {
  dispatch: Dispatch;
  library?: LibraryTransfers;
  maxRestoreBytes: number;
  logger: Logger;
}

const octetStream = 'application/octet-stream';

/**
 * Raw-body uploads and the backup download. An upload is one file per request with its name in the
 * query: no base64 (a third larger, and decoded in main), and the bytes go through the same
 * dispatcher, schema and rate limits as the IPC call the desktop app makes.
 */
export function createTransferRoutes(options: TransferRouteOptions) {
  // One whole-library move at a time: two restores merging at once, or a backup of a library that a
  // restore is changing, help nobody and double the disk needed.
  let moving = false;

  async function exclusive(res: ServerResponse, run: () => Promise<void>): Promise<void> {
    if (moving) return sendError(res, 409, 'conflict', 'A backup or restore is already running.');
    moving = true;
    try {
      await run();
    } finally {
      moving = false;
    }
  }

  async function upload(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    if (!req.headers['content-type']?.startsWith(octetStream)) {
      return sendError(res, 415, 'validation', `Send the file as ${octetStream}.`);
    }
    const route = url.pathname.slice('/upload/'.length);
    if (route === 'restore') return restore(req, res);
    if (!Object.hasOwn(uploadLimits, route)) {
      return sendError(res, 404, 'unknown_method', `Nothing to upload to "${route.slice(0, 80)}".`);
    }
    const method = route as UploadMethod;
    const name = url.searchParams.get('name') ?? '';
    let bytes: Buffer;
    try {
      bytes = await readBody(req, uploadLimits[method]);
    } catch (error) {
      if (error instanceof BodyTooLarge)
        return sendTooLarge(req, res, `${name.slice(0, 255)}: ${error.message}`);
      throw error;
    }
    // The same input the desktop app sends over IPC; the schema checks the name and the size.
    const input =
      method === 'library:importFiles'
        ? { files: [{ name, bytes }] }
        : { name, bytes: new Uint8Array(bytes) };
    sendEnvelope(res, 200, await options.dispatch(method, input, { transport: 'web' }));
  }

  async function restore(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const library = options.library;
    if (!library) return sendError(res, 404, 'unavailable', 'This host has no library to restore into.');
    const declared = Number(req.headers['content-length']);
    if (!Number.isSafeInteger(declared) || declared <= 0) {
      return sendError(res, 411, 'validation', 'Send the backup with its length (Content-Length).');
    }
    if (declared > options.maxRestoreBytes) {
      return sendTooLarge(
        req,
        res,
        `The backup is larger than ${describeBytes(options.maxRestoreBytes)}, the most this studio takes in one upload.`,
      );
    }
    // The zip, plus the files it brings: ask for twice its size before writing a byte.
    const free = await library.freeBytes();
    if (free < declared * 2) {
      res.on('finish', () => req.destroy());
      return sendError(
        res,
        507,
        'unavailable',
        `Not enough free disk space for this restore: it needs about ${describeBytes(declared * 2)}, the disk has ${describeBytes(free)}.`,
      );
    }
    await exclusive(res, async () => {
      const file = await library.tempFile('restore-upload');
      let envelope: Envelope<RestoreResult>;
      try {
        envelope = await answer(async () => {
          await receive(req, file, declared);
          return library.restoreZip(file);
        }, 'restore');
      } finally {
        await fs.rm(file, { force: true });
      }
      if (!res.destroyed) sendEnvelope(res, 200, envelope);
    });
  }

  async function backup(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const library = options.library;
    if (!library) return sendError(res, 404, 'unavailable', 'This host has no library to back up.');
    await exclusive(res, async () => {
      let made: { name: string; stream: Readable };
      try {
        made = await library.backupZip();
      } catch (error) {
        return sendEnvelope(res, 500, failure(error, 'backup'));
      }
      res.writeHead(200, {
        ...securityHeaders,
        'Content-Type': 'application/zip',
        'Content-Disposition': `attachment; filename="${made.name}"`,
        'Cache-Control': 'no-store',
      });
      if (req.method === 'HEAD') {
        made.stream.destroy();
        return void res.end();
      }
      try {
        await pipeline(made.stream, res);
      } catch (error) {
        // A closed tab or a cancelled download ends it early; anything else is ours to log. Either way
        // the pipeline has stopped the zip and its database copy is gone.
        if ((error as NodeJS.ErrnoException).code !== 'ERR_STREAM_PREMATURE_CLOSE')
          options.logger.error('[web] backup download failed:', error);
        res.destroy();
      }
    });
  }

  async function answer<T>(run: () => Promise<T>, what: string): Promise<Envelope<T>> {
    try {
      return { ok: true, value: await run() };
    } catch (error) {
      return failure(error, what);
    }
  }

  /** What the user can act on goes to the page as it is; anything else is logged, and named only. */
  function failure(error: unknown, what: string): Envelope<never> {
    if (error instanceof AppError)
      return { ok: false, error: { code: error.code, message: error.message, issues: error.issues } };
    options.logger.error(`[web] ${what} failed:`, error);
    const where = options.logger.file ? ` (${options.logger.file})` : '';
    return {
      ok: false,
      error: { code: 'internal', message: `The ${what} failed. Details are in the log${where}.` },
    };
  }

  return { upload, backup };
}

/** Writes the body to `file`, refusing more bytes than were declared. */
async function receive(req: IncomingMessage, file: string, declared: number): Promise<void> {
  let received = 0;
  const count = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      received += chunk.length;
      done(
        received > declared ? new AppError('validation', 'The upload is longer than it said.') : null,
        chunk,
      );
    },
  });
  try {
    await pipeline(req, count, createWriteStream(file, { flags: 'wx' }));
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw new AppError('validation', 'The upload was cut off; try again.');
  }
  if (received !== declared) throw new AppError('validation', 'The upload was cut off; try again.');
}
