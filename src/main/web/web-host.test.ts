import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppError } from '../../shared/rpc.ts';
import { createEventBus } from '../rpc/event-bus.ts';
import { createTestAppDispatch } from '../rpc/test-app-api.ts';
import {
  capabilityKey,
  maxCapabilitySeconds,
  mediaExpiry,
  signature,
  signedUrl,
} from '../../shared/url-capability.ts';
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
const now = 1_800_000_000;
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
    nowSeconds: () => now,
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
  it('serves the public page without a token, with its CSP, and never sets a cookie', async () => {
    const page = await send(host, '/', { headers: { Host: `localhost:${host.port}` } });
    expect(page.status).toBe(200);
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page.headers['access-control-allow-origin']).toBeUndefined();
    expect(page.headers['set-cookie']).toBeUndefined();
    expect(host.openUrl).toBe(`${host.url}/#token=${token}`);
    // A cookie left by an older version is sent back expired, so it stops going to other ports.
    const old = await send(host, '/', {
      headers: { Host: `127.0.0.1:${host.port}`, Cookie: `other=1; studio_token=${token}` },
    });
    expect(String(old.headers['set-cookie'])).toMatch(/^studio_token=; Max-Age=0/);
  });

  it('takes the token only as a bearer header: not a cookie, not the query', async () => {
    const hostHeader = `127.0.0.1:${host.port}`;
    const rpc = (headers: Record<string, string>, path = '/rpc/settings:get') =>
      send(host, path, {
        method: 'POST',
        headers: { Host: hostHeader, 'Content-Type': 'application/json', ...headers },
        body: '{}',
      });
    expect((await rpc({})).status).toBe(401);
    expect(JSON.parse((await rpc({})).body)).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect((await rpc({ Authorization: 'Bearer nope' })).status).toBe(401);
    expect((await rpc({ Cookie: `studio_token=${token}` })).status).toBe(401);
    expect((await rpc({}, `/rpc/settings:get?token=${token}`)).status).toBe(401);
    expect((await rpc({ Authorization: `Bearer ${token}` })).status).toBe(200);
    for (const path of ['/events', '/media/image/abc/thumb', `/events?token=${token}`]) {
      expect((await send(host, path, { headers: { Host: hostHeader } })).status, path).toBe(401);
      expect(
        (await send(host, path, { headers: { Host: hostHeader, Cookie: `studio_token=${token}` } })).status,
        path,
      ).toBe(401);
    }
    const upload = await send(host, '/upload/library:addSource?name=a.png', {
      method: 'POST',
      headers: { Host: hostHeader, 'Content-Type': 'application/octet-stream' },
      body: 'x',
    });
    expect(upload.status).toBe(401);
    expect(
      (await send(host, '/', { headers: { ...auth(), Host: `evil.example:${host.port}` } })).status,
    ).toBe(421);
    const foreign = await rpc({ Authorization: `Bearer ${token}`, Origin: 'http://127.0.0.1:1' });
    expect(foreign.status).toBe(403);
  });

  it('opens media for a signed URL until it expires, for that path only', async () => {
    const hostHeader = { Host: `127.0.0.1:${host.port}` };
    const key = capabilityKey(token);
    const exp = mediaExpiry(now);
    const url = signedUrl(key, '/media/image/abc/thumb', exp);
    expect((await send(host, url, { headers: hostHeader })).status).toBe(200);
    const cases = {
      'signed for another path': `/media/image/abc/thumb?exp=${exp}&sig=${signature(key, '/media/image/abd/thumb', exp)}`,
      tampered: url.slice(0, -2) + (url.endsWith('AA') ? 'BB' : 'AA'),
      expired: signedUrl(key, '/media/image/abc/thumb', now - 1),
      'too far out': signedUrl(key, '/media/image/abc/thumb', now + maxCapabilitySeconds + 5),
      'another token': signedUrl(capabilityKey('another-run'), '/media/image/abc/thumb', exp),
      'no signature': '/media/image/abc/thumb?exp=' + exp,
    };
    for (const [name, path] of Object.entries(cases)) {
      expect((await send(host, path, { headers: hostHeader })).status, name).toBe(401);
    }
    // A media signature opens media only: it is no token for calls or events.
    const sig = new URL(url, host.url).searchParams.get('sig')!;
    const forged: Record<string, string>[] = [
      { Authorization: `Bearer ${sig}` },
      { Cookie: `studio_token=${sig}` },
    ];
    for (const headers of forged) {
      const rpc = await send(host, '/rpc/settings:get', {
        method: 'POST',
        headers: { ...hostHeader, ...headers, 'Content-Type': 'application/json' },
        body: '{}',
      });
      expect(rpc.status).toBe(401);
    }
    expect((await send(host, `/events?exp=${exp}&sig=${sig}`, { headers: hostHeader })).status).toBe(401);
    // The backup link is a capability of its own, spent on first use.
    const link = signedUrl(key, '/download/backup/first-link', now + 60);
    expect((await send(host, link, { headers: hostHeader })).status).toBe(404); // this host has no library
    expect((await send(host, link, { headers: hostHeader })).status).toBe(401);
    const backupWithMediaSig = `/download/backup/first-link?exp=${exp}&sig=${sig}`;
    const anotherLink = signedUrl(key, '/download/backup/other-link', now + 60).replace(
      'other-link',
      'third-link',
    );
    expect((await send(host, anotherLink, { headers: hostHeader })).status).toBe(401);
    expect((await send(host, backupWithMediaSig, { headers: hostHeader })).status).toBe(401);
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
