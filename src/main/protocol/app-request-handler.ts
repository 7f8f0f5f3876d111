import { readFile } from 'node:fs/promises';
import { contentSecurityPolicy } from '../../shared/csp.ts';
import { AppError } from '../../shared/rpc.ts';
import type { MediaFile } from '../web/web-host.ts';
import { contentTypeFor, resolveStaticFile } from '../web/static-files.ts';

export const appScheme = 'studio';
export const appOrigin = `${appScheme}://app`;

const baseHeaders = { 'X-Content-Type-Options': 'nosniff' };

/**
 * What studio://app/ answers, as a plain fetch-style handler so it is tested in Node: the built page,
 * and under /media/ library images by id (never a path from the page). GET only; anything that does
 * not resolve inside the renderer folder is a 404.
 */
export function createAppRequestHandler(
  rendererDir: string,
  resolveMedia: (path: string) => Promise<MediaFile>,
): (request: Request) => Promise<Response> {
  return async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      return new Response('GET only', { status: 405, headers: { ...baseHeaders, Allow: 'GET, HEAD' } });
    }
    const url = new URL(request.url);
    if (url.protocol !== `${appScheme}:` || url.host !== 'app') return notFound();
    if (url.pathname.startsWith('/media/')) {
      try {
        const file = await resolveMedia(url.pathname.slice('/media'.length));
        return new Response(await readFile(file.path), {
          headers: { ...baseHeaders, 'Content-Type': file.contentType, 'Cache-Control': file.cacheControl },
        });
      } catch (error) {
        if (error instanceof AppError) return notFound();
        throw error;
      }
    }
    const file = await resolveStaticFile(rendererDir, url.pathname === '/' ? '/index.html' : url.pathname);
    if (!file) return notFound();
    const isHtml = file.endsWith('.html');
    return new Response(await readFile(file), {
      headers: {
        ...baseHeaders,
        'Content-Type': contentTypeFor(file),
        ...(isHtml ? { 'Content-Security-Policy': contentSecurityPolicy } : {}),
      },
    });
  };
}

function notFound(): Response {
  return new Response('Not found', { status: 404, headers: baseHeaders });
}
