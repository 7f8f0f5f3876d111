import { protocol } from 'electron';
import { readFile } from 'node:fs/promises';
import { contentSecurityPolicy } from '../../shared/csp.ts';
import { AppError } from '../../shared/rpc.ts';
import type { AppServices } from '../app-services.ts';
import { contentTypeFor, resolveStaticFile } from '../web/static-files.ts';

export const appScheme = 'studio';
export const appOrigin = `${appScheme}://app`;

/** Must run before `ready`: makes studio:// a secure, standard origin so 'self' in the CSP covers it. */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: appScheme, privileges: { standard: true, secure: true, supportFetchAPI: true } },
  ]);
}

/**
 * studio://app/ serves the built page and, under /media/, library images by id: never a path from
 * the page. GET only; anything that does not resolve inside the renderer folder is a 404.
 */
export function setupAppProtocol(services: AppServices, rendererDir: string): void {
  protocol.handle(appScheme, async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      return new Response('GET only', { status: 405, headers: { Allow: 'GET, HEAD' } });
    }
    const url = new URL(request.url);
    if (url.host !== 'app') return new Response('Not found', { status: 404 });
    const headers = { 'X-Content-Type-Options': 'nosniff' };
    if (url.pathname.startsWith('/media/')) {
      try {
        const file = await services.resolveMedia(url.pathname.slice('/media'.length));
        return new Response(await readFile(file.path), {
          headers: { ...headers, 'Content-Type': file.contentType, 'Cache-Control': file.cacheControl },
        });
      } catch (error) {
        if (error instanceof AppError) return new Response('Not found', { status: 404 });
        throw error;
      }
    }
    const file = await resolveStaticFile(rendererDir, url.pathname === '/' ? '/index.html' : url.pathname);
    if (!file) return new Response('Not found', { status: 404 });
    const isHtml = file.endsWith('.html');
    return new Response(await readFile(file), {
      headers: {
        ...headers,
        'Content-Type': contentTypeFor(file),
        ...(isHtml ? { 'Content-Security-Policy': contentSecurityPolicy } : {}),
      },
    });
  });
}
