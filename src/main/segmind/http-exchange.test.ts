import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { SegmindError } from './errors.ts';
import { exchange, type ExchangeOptions } from './http-exchange.ts';

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

/** Answers 200, then writes `chunks` chunks of `size` bytes, one every `everyMs`. */
async function trickle(size: number, chunks: number, everyMs: number, declare = false): Promise<string> {
  const server = createServer((_req, res: ServerResponse) => {
    res.writeHead(200, declare ? { 'content-length': String(size * chunks) } : {});
    let sent = 0;
    const tick = setInterval(() => {
      if (sent === chunks || res.destroyed) {
        clearInterval(tick);
        res.end();
        return;
      }
      res.write(Buffer.alloc(size, 120));
      sent++;
    }, everyMs);
    res.on('close', () => clearInterval(tick));
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
}

const get = { method: 'GET', body: undefined };
const options = (extra: Partial<ExchangeOptions>): ExchangeOptions => ({
  fetch,
  timeoutMs: 2000,
  deadlineMs: 500,
  headersFor: () => ({}),
  ...extra,
});

async function failure(promise: Promise<unknown>): Promise<SegmindError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SegmindError);
  return error as SegmindError;
}

describe('one HTTP exchange', () => {
  it('cuts off a body that drips a byte every 100 ms at its deadline, though it is never silent long enough to idle out', async () => {
    const url = await trickle(1, 1000, 100);
    const started = Date.now();
    const error = await failure(exchange(url, get, options({ what: 'the status answer' })));
    const took = Date.now() - started;
    expect(error).toMatchObject({ kind: 'timeout', httpStatus: 200 });
    expect(error.message).toMatch(/the status answer took longer than \d+ ms/);
    expect(took).toBeGreaterThanOrEqual(450);
    expect(took).toBeLessThan(1500);
  });

  it('lets a large body on a slow but steady line run past the base deadline: each byte buys time', async () => {
    // 40 KB every 50 ms is 800 KB/s, far above the 50 KB/s floor: about 1 s in all, twice the base.
    const url = await trickle(40_000, 20, 50);
    const answer = await exchange(url, get, options({ deadlineMs: 500 }));
    expect(answer.body.length).toBe(800_000);
  });

  it('passes a sink error (a full disk) through as it is, not as a network failure', async () => {
    const url = await trickle(1000, 5, 10);
    const full = Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    const caught = await exchange(url, get, options({ sink: () => Promise.reject(full) })).then(
      () => null,
      (e: unknown) => e,
    );
    expect(caught).toBe(full);
  });

  it('says "too large" for a body over the cap, whether it declares its length or not', async () => {
    const declared = await trickle(1000, 3, 5, true);
    expect(
      await failure(exchange(declared, get, options({ maxBytes: 2000, what: 'the image' }))),
    ).toMatchObject({
      kind: 'too_large',
      message: expect.stringContaining('the image is 3 KB; the app takes at most 2 KB'),
    });
    const streamed = await trickle(1000, 3, 5);
    expect(
      await failure(exchange(streamed, get, options({ maxBytes: 2000, what: 'the result' }))),
    ).toMatchObject({
      kind: 'too_large',
      message: expect.stringContaining('the result is more than'),
    });
  });
});
