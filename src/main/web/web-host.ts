import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { contentSecurityPolicy } from '../../shared/csp.ts';
import { AppError } from '../../shared/rpc.ts';
import type { Dispatch } from '../rpc/dispatcher.ts';
import type { EventBus } from '../rpc/event-bus.ts';
import { isAllowedHost, isAllowedOrigin, requestToken, tokenCookie, tokensMatch } from './request-guard.ts';
import { contentTypeFor, openStaticFile, resolveStaticFile } from './static-files.ts';

export interface MediaFile {
  path: string;
  contentType: string;
  cacheControl: string;
}

export interface WebHostOptions {
  dispatch: Dispatch;
  bus: EventBus;
  /** The built renderer (out/renderer). */
  staticDir: string;
  /** Library media by id, e.g. `/image/<id>/thumb`; throws AppError('not_found') for anything else. */
  resolveMedia: (path: string) => Promise<MediaFile>;
  port?: number;
  /** Fixed token for tests; a fresh random one otherwise. */
  token?: string;
  /** Largest JSON body accepted (imports carry base64 images). */
  maxBodyBytes?: number;
}

export interface WebHost {
  url: string;
  /** The URL to open: it carries the token once, the page then keeps it in an HttpOnly cookie. */
  openUrl: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

const securityHeaders = {
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

/**
 * Browser mode: the same main-process services, carried over HTTP + server-sent events on 127.0.0.1.
 * Every request must name our host (DNS rebinding), carry the per-run token, and, when a browser says
 * where it comes from, come from our own origin. There are no CORS headers at all.
 */
export async function startWebHost(options: WebHostOptions): Promise<WebHost> {
  const token = options.token ?? randomBytes(24).toString('base64url');
  const maxBody = options.maxBodyBytes ?? 160 * 1024 * 1024;
  const streams = new Set<ServerResponse>();
  let port = 0;

  const unsubscribe = options.bus.subscribe((event, payload) => {
    const frame = `event: message\ndata: ${JSON.stringify({ event, payload })}\n\n`;
    for (const res of streams) res.write(frame);
  });

  const server = createServer((req, res) => {
    handle(req, res).catch((error) => {
      console.error('[web] request failed:', error);
      if (!res.headersSent) send(res, 500, 'text/plain; charset=utf-8', 'Internal error');
      else res.destroy();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!isAllowedHost(req.headers.host, port))
      return send(res, 421, 'text/plain; charset=utf-8', 'Wrong host');
    if (!isAllowedOrigin(req.headers.origin, port))
      return send(res, 403, 'text/plain; charset=utf-8', 'Foreign origin');
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);

    // The one unauthenticated step: trading the printed URL's token for a cookie, then dropping it from the address bar.
    if (req.method === 'GET' && url.pathname === '/' && url.searchParams.has('token')) {
      if (!tokensMatch(url.searchParams.get('token'), token)) return unauthorized(res);
      res.writeHead(303, {
        ...securityHeaders,
        Location: '/',
        'Set-Cookie': `${tokenCookie}=${encodeURIComponent(token)}; HttpOnly; SameSite=Strict; Path=/`,
      });
      return void res.end();
    }
    if (!tokensMatch(requestToken(req), token)) return unauthorized(res);

    if (url.pathname.startsWith('/rpc/')) {
      if (req.method !== 'POST')
        return send(res, 405, 'text/plain; charset=utf-8', 'POST only', { Allow: 'POST' });
      // A name that does not decode cannot be a method: the dispatcher answers unknown_method.
      let method = url.pathname.slice('/rpc/'.length);
      try {
        method = decodeURIComponent(method);
      } catch {
        // left as sent
      }
      return rpc(req, res, method);
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      return send(res, 405, 'text/plain; charset=utf-8', 'GET only', { Allow: 'GET, HEAD' });
    }
    if (url.pathname === '/events') return eventStream(req, res);
    if (url.pathname.startsWith('/media/')) return media(req, res, url.pathname.slice('/media'.length));
    return staticFile(req, res, url.pathname === '/' ? '/index.html' : url.pathname);
  }

  async function rpc(req: IncomingMessage, res: ServerResponse, method: string): Promise<void> {
    // A JSON content type cannot be sent cross-site without a CORS preflight, which we never grant.
    if (!req.headers['content-type']?.startsWith('application/json')) {
      return send(res, 415, 'text/plain; charset=utf-8', 'Send application/json');
    }
    let body: string;
    try {
      body = await readBody(req, maxBody);
    } catch (error) {
      const envelope = { ok: false, error: { code: 'too_large', message: (error as Error).message } };
      res.on('finish', () => req.destroy());
      return send(res, 413, 'application/json', JSON.stringify(envelope), { Connection: 'close' });
    }
    let input: unknown;
    try {
      input = body.length === 0 ? undefined : JSON.parse(body);
    } catch {
      const envelope = {
        ok: false,
        error: { code: 'validation', message: 'The request body is not valid JSON.' },
      };
      return send(res, 400, 'application/json', JSON.stringify(envelope));
    }
    const envelope = await options.dispatch(method, input, { transport: 'web' });
    send(res, 200, 'application/json', JSON.stringify(envelope), { 'Cache-Control': 'no-store' });
  }

  function eventStream(req: IncomingMessage, res: ServerResponse): void {
    res.writeHead(200, {
      ...securityHeaders,
      'Content-Type': 'text/event-stream',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
    });
    res.write(': connected\n\n');
    streams.add(res);
    req.on('close', () => streams.delete(res));
  }

  async function media(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    let file: MediaFile;
    try {
      file = await options.resolveMedia(path);
    } catch (error) {
      if (error instanceof AppError) return send(res, 404, 'text/plain; charset=utf-8', 'Not found');
      throw error;
    }
    res.writeHead(200, {
      ...securityHeaders,
      'Content-Type': file.contentType,
      'Cache-Control': file.cacheControl,
    });
    if (req.method === 'HEAD') return void res.end();
    openStaticFile(file.path)
      .on('error', () => res.destroy())
      .pipe(res);
  }

  async function staticFile(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    const file = await resolveStaticFile(options.staticDir, path);
    if (!file) return send(res, 404, 'text/plain; charset=utf-8', 'Not found');
    const isHtml = file.endsWith('.html');
    res.writeHead(200, {
      ...securityHeaders,
      'Content-Type': contentTypeFor(file),
      'Cache-Control': isHtml ? 'no-store' : 'public, max-age=31536000, immutable',
      ...(isHtml ? { 'Content-Security-Policy': contentSecurityPolicy } : {}),
    });
    if (req.method === 'HEAD') return void res.end();
    openStaticFile(file)
      .on('error', () => res.destroy())
      .pipe(res);
  }

  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolveListen());
  });
  port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}`;

  return {
    url,
    openUrl: `${url}/?token=${encodeURIComponent(token)}`,
    port,
    token,
    async close() {
      unsubscribe();
      for (const res of streams) res.end();
      streams.clear();
      server.closeAllConnections();
      await new Promise<void>((done) => server.close(() => done()));
    },
  };
}

function send(
  res: ServerResponse,
  status: number,
  contentType: string,
  body: string,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { ...securityHeaders, 'Content-Type': contentType, ...headers });
  res.end(body);
}

function unauthorized(res: ServerResponse): void {
  send(
    res,
    401,
    'text/plain; charset=utf-8',
    "Ideogram Studio: open the URL printed in the terminal (it carries this run's token).",
  );
}

function readBody(req: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolveBody, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        // Stop reading but keep the socket: the 413 still has to reach the page before we hang up.
        req.pause();
        reject(new Error(`The request is larger than ${Math.round(limit / 1024 / 1024)} MB.`));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolveBody(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
