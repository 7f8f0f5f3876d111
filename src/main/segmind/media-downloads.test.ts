import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { mountSmallDisk, type SmallDisk } from '../recovery/test-support/small-disk.ts';
import { segmindError } from './errors.ts';
import { createMediaDownloads } from './media-downloads.ts';

/**
 * Downloads into a real 4 MB tmpfs that is nearly full: the kernel's own short write and ENOSPC,
 * not a file handle that pretends. Mounting needs root (CI runs as root); elsewhere this skips.
 */
const disk = mountSmallDisk(4);
if (typeof disk === 'string') console.warn(`[media-downloads.test] skipped: ${disk}`);
const small = typeof disk === 'string' ? null : (disk as SmallDisk);
afterAll(() => small?.unmount());

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  // The ballast and whatever a test left: each test starts on an empty disk.
  if (small)
    for (const name of fs.readdirSync(small.dir)) fs.rmSync(path.join(small.dir, name), { force: true });
});

const downloads = createMediaDownloads({
  fetch,
  timeoutMs: 5_000,
  deadlineMs: 10_000,
  userAgent: 'media-downloads.test',
  createFile: undefined,
  httpError: (res) => segmindError('server', `HTTP ${res.status}`),
});

/** Leaves `bytes` free on the small disk (a ballast file takes the rest). */
function leaveFree(bytes: number): void {
  const { bavail, bsize } = fs.statfsSync(small!.dir);
  fs.writeFileSync(path.join(small!.dir, 'ballast'), Buffer.alloc(bavail * bsize - bytes));
  expect(fs.statfsSync(small!.dir).bavail * bsize).toBe(bytes);
}

/** An image-like body: a PNG signature, then bytes that are not all the same. */
function body(size: number): Buffer {
  const bytes = Buffer.alloc(size);
  for (let i = 0; i < size; i++) bytes[i] = (i * 7919) % 251;
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]).copy(bytes);
  return bytes;
}

describe.skipIf(!small)('streaming an image onto a disk that fills up (a real tmpfs)', () => {
  it('an image larger than the room left fails with ENOSPC and leaves no cut-off file', async () => {
    // One write of 96 KB into 64 KB: write(2) stores 64 KB and returns that count without an error.
    leaveFree(64 * 1024);
    const target = path.join(small!.dir, 'inline.part');
    const result = downloads.downloadToFile(
      { kind: 'bytes', bytes: body(96 * 1024), contentType: 'image/png' },
      target,
    );
    await expect(result).rejects.toMatchObject({ code: 'ENOSPC' });
    expect(fs.existsSync(target)).toBe(false);
  });

  it('a media URL whose last chunk is the one that does not fit fails with ENOSPC too', async () => {
    // The first part fits; the last (a chunk of its own: the server waits before sending it) does not.
    const first = body(40 * 1024);
    const last = body(48 * 1024).subarray(8);
    const server = http.createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'image/png', 'content-length': first.length + last.length });
      res.write(first);
      setTimeout(() => res.end(last), 100);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/image.png`;
    leaveFree(64 * 1024);
    const target = path.join(small!.dir, 'url.part');
    await expect(downloads.downloadToFile({ kind: 'url', url }, target)).rejects.toMatchObject({
      code: 'ENOSPC',
    });
    expect(fs.existsSync(target)).toBe(false);
  });

  it('with room, the file holds every byte that was sent', async () => {
    leaveFree(256 * 1024);
    const bytes = body(128 * 1024);
    const target = path.join(small!.dir, 'fits.part');
    const done = await downloads.downloadToFile({ kind: 'bytes', bytes, contentType: 'image/png' }, target);
    expect(done.size).toBe(bytes.length);
    expect(fs.readFileSync(target).equals(bytes)).toBe(true);
  });
});
