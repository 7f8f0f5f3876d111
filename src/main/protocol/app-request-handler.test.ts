import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../shared/rpc.ts';
import { createAppRequestHandler } from './app-request-handler.ts';

function setup() {
  const rendererDir = mkdtempSync(join(tmpdir(), 'studio-renderer-'));
  mkdirSync(join(rendererDir, 'assets'));
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html>');
  writeFileSync(join(rendererDir, 'assets', 'index.js'), 'export {}');
  const thumb = join(rendererDir, '..', `thumb-${Date.now()}.webp`);
  writeFileSync(thumb, 'RIFF....WEBPVP8 ');
  const handler = createAppRequestHandler(rendererDir, async (path) => {
    if (path === '/image/img_1/thumb')
      return { path: thumb, contentType: 'image/webp', cacheControl: 'private, max-age=600' };
    throw new AppError('not_found', 'No such image.');
  });
  return handler;
}

describe('studio:// protocol', () => {
  it('serves the page with its CSP, assets with their types, and media by id', async () => {
    const handle = setup();
    const page = await handle(new Request('studio://app/'));
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect((await handle(new Request('studio://app/assets/index.js'))).headers.get('content-type')).toContain(
      'javascript',
    );
    const media = await handle(new Request('studio://app/media/image/img_1/thumb'));
    expect(media.status).toBe(200);
    expect(media.headers.get('content-type')).toBe('image/webp');
  });

  it('refuses traversal, other hosts, unknown media and anything but GET', async () => {
    const handle = setup();
    for (const url of [
      'studio://app/../../etc/passwd',
      'studio://app/%2e%2e/%2e%2e/etc/passwd',
      'studio://app/assets/..%2f..%2f..%2fetc%2fpasswd',
      'studio://app/assets/%00.js',
      'studio://app/media/image/img_2/thumb',
      'studio://app/media/image/..%2f..%2f..%2fetc%2fpasswd/original',
      'studio://other/index.html',
    ]) {
      expect((await handle(new Request(url))).status, url).toBe(404);
    }
    const post = await handle(new Request('studio://app/index.html', { method: 'POST', body: 'x' }));
    expect(post.status).toBe(405);
  });
});
