import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppError } from '../../shared/rpc.ts';
import { createEventBus } from '../rpc/event-bus.ts';
import { createTestAppDispatch } from '../rpc/test-app-api.ts';
import { startWebHost, type WebHost } from './web-host.ts';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** Raw node:http, because fetch() will not let a test forge Host or Origin headers. */
function send(
  host: WebHost,
  path: string,
  init: { method?: string; headers?: Record<string, string>; body?: string } = {},
) {
  return new Promise<Answer>((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port: host.port, path, method: init.method ?? 'GET', headers: init.headers },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end(init.body);
  });
}

const token = 'test-token-0123456789abcdef';
let host: WebHost;
let bus: ReturnType<typeof createEventBus>;
const auth = () => ({ Authorization: `Bearer ${token}`, Host: `127.0.0.1:${host.port}` });

beforeEach(async () => {
  const staticDir = mkdtempSync(join(tmpdir(), 'studio-static-'));
  mkdirSync(join(staticDir, 'assets'));
  writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>studio</title>');
  writeFileSync(join(staticDir, 'assets', 'app.js'), 'console.log(1)');
  const secretDir = mkdtempSync(join(tmpdir(), 'studio-secret-'));
  writeFileSync(join(secretDir, 'secret.txt'), 'do not serve');
  const mediaFile = join(staticDir, 'thumb.webp');
  writeFileSync(mediaFile, 'RIFF....WEBP');
  bus = createEventBus();
  host = await startWebHost({
    dispatch: createTestAppDispatch().dispatch,
    bus,
    staticDir,
    token,
    maxBodyBytes: 64 * 1024,
    resolveMedia: async (path) => {
      if (path === '/image/abc/thumb')
        return {
          path: mediaFile,
          contentType: 'image/webp',
          cacheControl: 'private, max-age=31536000, immutable',
        };
      throw new AppError('not_found', 'No such image.');
    },
  });
});

afterEach(async () => {
  await host.close();
});

describe('browser-mode host', () => {
  it('trades the printed token for an HttpOnly cookie and then serves the page with its CSP', async () => {
    const open = await send(host, `/?token=${token}`, { headers: { Host: `127.0.0.1:${host.port}` } });
    expect(open.status).toBe(303);
    const cookie = String(open.headers['set-cookie']);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Strict');
    const page = await send(host, '/', {
      headers: { Host: `localhost:${host.port}`, Cookie: cookie.split(';')[0]! },
    });
    expect(page.status).toBe(200);
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('refuses a missing or wrong token, a foreign Host and a foreign Origin', async () => {
    const hostHeader = `127.0.0.1:${host.port}`;
    expect((await send(host, '/', { headers: { Host: hostHeader } })).status).toBe(401);
    expect((await send(host, '/?token=wrong', { headers: { Host: hostHeader } })).status).toBe(401);
    expect((await send(host, '/', { headers: { ...auth(), Authorization: 'Bearer nope' } })).status).toBe(
      401,
    );
    expect(
      (await send(host, '/', { headers: { ...auth(), Host: `evil.example:${host.port}` } })).status,
    ).toBe(421);
    const rpc = await send(host, '/rpc/settings:get', {
      method: 'POST',
      headers: { ...auth(), 'Content-Type': 'application/json', Origin: 'https://evil.example' },
      body: '{}',
    });
    expect(rpc.status).toBe(403);
  });

  it('carries the contract over POST /rpc and answers bad payloads with typed errors', async () => {
    const post = (method: string, body: string, type = 'application/json') =>
      send(host, `/rpc/${method}`, { method: 'POST', headers: { ...auth(), 'Content-Type': type }, body });
    const ok = await post('settings:update', JSON.stringify({ theme: 'dark' }));
    expect(JSON.parse(ok.body)).toMatchObject({ ok: true, value: { theme: 'dark' } });
    const invalid = await post('settings:update', JSON.stringify({ theme: 42 }));
    expect(JSON.parse(invalid.body)).toMatchObject({ ok: false, error: { code: 'validation' } });
    const garbage = await post('settings:update', '{not json');
    expect(garbage.status).toBe(400);
    expect(JSON.parse(garbage.body)).toMatchObject({ ok: false, error: { code: 'validation' } });
    expect((await post('settings:get', '{}', 'text/plain')).status).toBe(415);
    expect((await send(host, '/rpc/settings:get', { headers: auth() })).status).toBe(405);
    const huge = await post('settings:update', JSON.stringify({ promptHistory: ['x'.repeat(100 * 1024)] }));
    expect(huge.status).toBe(413);
    expect(JSON.parse(huge.body)).toMatchObject({ ok: false, error: { code: 'too_large' } });
    const undecodable = await post('%E0%A4%A', '{}');
    expect(undecodable.status).toBe(200);
    expect(JSON.parse(undecodable.body)).toMatchObject({ ok: false, error: { code: 'unknown_method' } });
    // The host keeps serving after all of that.
    expect(JSON.parse((await post('settings:get', '')).body)).toMatchObject({ ok: true });
  });

  it('serves media by id only and never a path outside its folders', async () => {
    const thumb = await send(host, '/media/image/abc/thumb', { headers: auth() });
    expect(thumb.status).toBe(200);
    expect(thumb.headers['content-type']).toBe('image/webp');
    for (const path of [
      '/media/image/zzz/thumb',
      '/media/../../etc/passwd',
      '/../../etc/passwd',
      '/%2e%2e/%2e%2e/etc/passwd',
      '/assets/..%2f..%2fsecret.txt',
      '/assets/%00',
    ]) {
      const answer = await send(host, path, { headers: auth() });
      expect(answer.status, path).toBe(404);
    }
    expect((await send(host, '/assets/app.js', { headers: auth() })).status).toBe(200);
    expect((await send(host, '/assets/app.js', { method: 'DELETE', headers: auth() })).status).toBe(405);
  });

  it('streams contract events to the page', async () => {
    const received = await new Promise<string>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: host.port, path: '/events', headers: auth() }, (res) => {
        res.setEncoding('utf8');
        let text = '';
        res.on('data', (chunk) => {
          text += chunk;
          if (text.includes('"settings:changed"')) {
            req.destroy();
            resolve(text);
          }
        });
        bus.emit('settings:changed', {
          concurrency: 1,
          theme: 'light',
          simulator: 'auto',
          lastParams: {},
          promptHistory: [],
          budgets: { dailyUsd: null, monthlyUsd: null },
          askAboveUsd: 1,
          priceOverrides: {},
          trashDays: 30,
          rateLimit: { plan: 'none', customPerMinute: 20, pollsCount: false },
        });
      });
      req.on('error', reject);
      req.end();
    });
    expect(received).toContain('"theme":"light"');
  });
});
