import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { openEventStream } from '../../renderer/src/bridge/event-stream.ts';

const servers: ReturnType<typeof createServer>[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((done) => server.close(done));
  }
});

/** A real event-stream server on 127.0.0.1 that records what each connection asked with. */
async function serve(onConnect: (res: ServerResponse, auth: string | undefined, n: number) => void) {
  let connections = 0;
  const server = createServer((req, res) => onConnect(res, req.headers.authorization, ++connections));
  servers.push(server);
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/events`;
}

// The page's stream reader lives in the renderer; it is tested here, where Node's http types are.
describe("the page's fetch-based event stream", () => {
  it('sends the header, splits frames across chunks, and reconnects after the host drops it', async () => {
    const seen: string[] = [];
    const auths: (string | undefined)[] = [];
    const url = await serve((res, auth, n) => {
      auths.push(auth);
      res.writeHead(200, { 'Content-Type': 'text/event-stream' });
      res.write(': connected\n\n');
      if (n === 1) {
        res.write(`data: {"n":1}\n\nevent: message\ndata: {"n"`);
        setTimeout(() => res.end(':2}\n\n'), 20);
      } else {
        res.write(`data: {"n":3}\n\n`);
      }
    });
    const stream = openEventStream({
      url,
      headers: () => ({ Authorization: 'Bearer t0k3n' }),
      onMessage: (data) => seen.push(data),
      retryDelayMs: () => 10,
    });
    await expect.poll(() => seen, { timeout: 3000 }).toEqual(['{"n":1}', '{"n":2}', '{"n":3}']);
    stream.close();
    expect(auths).toEqual(['Bearer t0k3n', 'Bearer t0k3n']);
  });

  it('gives up when the host refuses the token', async () => {
    let refused = 0;
    let connections = 0;
    const url = await serve((res) => {
      connections++;
      res.writeHead(401).end();
    });
    openEventStream({
      url,
      headers: () => ({}),
      onMessage: () => {},
      onRefused: () => refused++,
      retryDelayMs: () => 5,
    });
    await expect.poll(() => refused).toBe(1);
    await new Promise((done) => setTimeout(done, 50));
    expect(connections).toBe(1);
  });
});
