import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { backupDownloadPattern } from '../../shared/api/transfers.ts';
import { contentSecurityPolicy } from '../../shared/csp.ts';
import { AppError } from '../../shared/rpc.ts';
import { capabilityKey, verifySignedPath } from '../../shared/url-capability.ts';
import { consoleLogger, type Logger } from '../logging/logger.ts';
import type { Dispatch } from '../rpc/dispatcher.ts';
import type { EventBus } from '../rpc/event-bus.ts';
import {
  BodyTooLarge,
  readBody,
  securityHeaders,
  sendEnvelope,
  sendError,
  sendText,
  sendTooLarge,
} from './http-replies.ts';
import {
  bearerToken,
  clearLegacyCookie,
  hasLegacyCookie,
  isAllowedHost,
  isAllowedOrigin,
  tokensMatch,
} from './request-guard.ts';
import { contentTypeFor, openStaticFile, resolveStaticFile } from './static-files.ts';
import { createTransferRoutes, type LibraryTransfers } from './transfer-routes.ts';

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
  /** Backup download and restore upload; without it those routes answer 'unavailable'. */
  library?: LibraryTransfers;
  port?: number;
  /** Fixed token for tests; a fresh random one otherwise. */
  token?: string;
  /** Largest JSON body accepted (job params may hold images as data URIs; files go up raw). */
  maxBodyBytes?: number;
  /** Largest backup zip a restore takes. */
  maxRestoreBytes?: number;
  logger?: Logger;
  /** Unix seconds, for signed URLs' expiry. */
  nowSeconds?: () => number;
}

export interface WebHost {
  url: string;
  /** The URL to open: the token rides in the fragment, which browsers never send to any server. */
  openUrl: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

const notRunToken = "Ideogram Studio: open the URL printed in the terminal (it carries this run's token).";

/**
 * Browser mode: the same main-process services, carried over HTTP on 127.0.0.1. Every request must
 * name our host (DNS rebinding) and, when a browser says where it comes from, come from our own
 * origin; there are no CORS headers at all. Every call, event stream and upload carries the run's
 * token as a bearer header, set by the page's script, which keeps it in its own origin's session
 * storage; what a browser fetches by URL alone (images, the backup download) carries a signed,
 * expiring URL instead. Nothing is a cookie, so no other server on 127.0.0.1 ever receives it.
 */
export async function startWebHost(options: WebHostOptions): Promise<WebHost> {
  const token = options.token ?? randomBytes(24).toString('base64url');
  const urlKey = capabilityKey(token);
  const maxBody = options.maxBodyBytes ?? 48 * 1024 * 1024;
  const logger = options.logger ?? consoleLogger;
  const nowSeconds = options.nowSeconds ?? (() => Math.floor(Date.now() / 1000));
  const transfers = createTransferRoutes({
    dispatch: options.dispatch,
    library: options.library,
    maxRestoreBytes: options.maxRestoreBytes ?? 32 * 1024 * 1024 * 1024,
    logger,
  });
  // A backup link is good for one download: the page makes a fresh one per click.
  const spentLinks = new Map<string, number>();
  const streams = new Set<ServerResponse>();
  let port = 0;

  const unsubscribe = options.bus.subscribe((event, payload) => {
    const frame = `event: message\ndata: ${JSON.stringify({ event, payload })}\n\n`;
    for (const res of streams) res.write(frame);
  });

  const server = createServer((req, res) => {
    handle(req, res).catch((error) => {
      logger.error('[web] request failed:', error);
      if (!res.headersSent) sendText(res, 500, 'Internal error');
      else res.destroy();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!isAllowedHost(req.headers.host, port)) return sendText(res, 421, 'Wrong host');
    if (!isAllowedOrigin(req.headers.origin, port)) return sendText(res, 403, 'Foreign origin');
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);
    const path = url.pathname;
    const withToken = tokensMatch(bearerToken(req), token);

    if (path.startsWith('/rpc/') || path.startsWith('/upload/')) {
      if (!withToken) return sendError(res, 401, 'forbidden', notRunToken);
      if (req.method !== 'POST') return sendText(res, 405, 'POST only', { Allow: 'POST' });
      return path.startsWith('/rpc/')
        ? rpc(req, res, path.slice('/rpc/'.length))
        : transfers.upload(req, res, url);
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      return sendText(res, 405, 'GET only', { Allow: 'GET, HEAD' });
    }
    if (path === '/events') {
      if (!withToken) return sendText(res, 401, notRunToken);
      return eventStream(req, res);
    }
    if (path.startsWith('/media/')) {
      if (!withToken && !signed(url)) return sendText(res, 401, notRunToken);
      return media(req, res, path.slice('/media'.length));
    }
    if (backupDownloadPattern.test(path)) {
      const sig = url.searchParams.get('sig');
      if (!signed(url) || !sig || spentLinks.has(sig))
        return sendText(res, 401, 'This backup link has expired: click Back up again.');
      spentLinks.set(sig, Number(url.searchParams.get('exp')));
      for (const [spent, exp] of spentLinks) if (exp < nowSeconds()) spentLinks.delete(spent);
      return transfers.backup(req, res);
    }
    // The page's own code (index.html, scripts, styles) is served to anyone who names our host: it is
    // the public app, the same files as in the repository, and it holds no secret. The token reaches
    // it in the URL's fragment, and every request that reads or changes the library needs the token.
    return staticFile(req, res, path === '/' ? '/index.html' : path);
  }

  function signed(url: URL): boolean {
    return verifySignedPath(
      urlKey,
      url.pathname,
      url.searchParams.get('exp'),
      url.searchParams.get('sig'),
      nowSeconds(),
    );
  }

  async function rpc(req: IncomingMessage, res: ServerResponse, encoded: string): Promise<void> {
    // A JSON content type cannot be sent cross-site without a CORS preflight, which we never grant.
    if (!req.headers['content-type']?.startsWith('application/json')) {
      return sendText(res, 415, 'Send application/json');
    }
    // A name that does not decode cannot be a method: the dispatcher answers unknown_method.
    let method = encoded;
    try {
      method = decodeURIComponent(encoded);
    } catch {
      // left as sent
    }
    let body: string;
    try {
      body = (await readBody(req, maxBody)).toString('utf8');
    } catch (error) {
      if (error instanceof BodyTooLarge) return sendTooLarge(req, res, error.message);
      throw error;
    }
    let input: unknown;
    try {
      input = body.length === 0 ? undefined : JSON.parse(body);
    } catch {
      return sendError(res, 400, 'validation', 'The request body is not valid JSON.');
    }
    sendEnvelope(res, 200, await options.dispatch(method, input, { transport: 'web' }));
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
      if (error instanceof AppError) return sendText(res, 404, 'Not found');
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
    if (!file) return sendText(res, 404, 'Not found');
    const isHtml = file.endsWith('.html');
    res.writeHead(200, {
      ...securityHeaders,
      'Content-Type': contentTypeFor(file),
      'Cache-Control': isHtml ? 'no-store' : 'public, max-age=31536000, immutable',
      ...(isHtml ? { 'Content-Security-Policy': contentSecurityPolicy } : {}),
      ...(hasLegacyCookie(req) ? { 'Set-Cookie': clearLegacyCookie } : {}),
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
    openUrl: `${url}/#token=${token}`,
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
