import fs from 'node:fs';
import { request } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import sharp from 'sharp';
import yazl from 'yazl';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { libraryApi } from '../../shared/api/library.ts';
import { backupDownloadRoute } from '../../shared/api/transfers.ts';
import { capabilityKey, signedUrl } from '../../shared/url-capability.ts';
import { createLibraryHandlers } from '../library/handlers.ts';
import { resolveMediaRequest } from '../library/media-route.ts';
import { makeImage, makeTempLibrary } from '../library/test-support/fixtures.ts';
import { readZip } from '../library/test-support/read-zip.ts';
import { createDispatcher } from '../rpc/dispatcher.ts';
import { createEventBus } from '../rpc/event-bus.ts';
import { startWebHost, type WebHost } from './web-host.ts';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

const token = 'transfer-test-token-0123456789';

function send(
  host: WebHost,
  route: string,
  init: { method?: string; headers?: Record<string, string>; body?: Buffer } = {},
) {
  return new Promise<Answer>((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: host.port,
        path: route,
        method: init.method ?? 'GET',
        headers: { Host: `127.0.0.1:${host.port}`, ...init.headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
        );
      },
    );
    req.on('error', reject);
    req.end(init.body);
  });
}

const upload = (host: WebHost, route: string, body: Buffer, type = 'application/octet-stream') =>
  send(host, route, {
    method: 'POST',
    headers: {
      Authorization: `Bearer ${token}`,
      'Content-Type': type,
      'Content-Length': String(body.length),
    },
    body,
  });
const json = (answer: Answer) => JSON.parse(answer.body.toString('utf8'));

type Studio = ReturnType<typeof makeTempLibrary> & { host: WebHost };
const studios: Studio[] = [];
const staticDir = fs.mkdtempSync(path.join(os.tmpdir(), 'studio-static-'));
fs.writeFileSync(path.join(staticDir, 'index.html'), '<!doctype html><title>studio</title>');

async function studio(options: { maxRestoreBytes?: number } = {}): Promise<Studio> {
  const temp = makeTempLibrary();
  const dispatch = createDispatcher(libraryApi, createLibraryHandlers(temp.library), { logError: () => {} });
  const host = await startWebHost({
    dispatch,
    bus: createEventBus(),
    staticDir,
    token,
    resolveMedia: (route) => resolveMediaRequest(temp.library, route),
    library: temp.library,
    ...options,
  });
  const made = { ...temp, host };
  studios.push(made);
  return made;
}

afterEach(async () => {
  for (const made of studios.splice(0)) {
    await made.host.close();
    made.cleanup();
  }
});
afterAll(() => fs.rmSync(staticDir, { recursive: true, force: true }));

/** Every file under `dir` with its size and modification time, to show what a step wrote. */
function listing(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    const full = path.join(entry.parentPath, entry.name);
    if (entry.isFile()) {
      const stat = fs.statSync(full);
      files.set(path.relative(dir, full), `${stat.size}@${stat.mtimeMs}`);
    }
  }
  return files;
}

let links = 0;
function backupLink(): string {
  const route = backupDownloadRoute(`link-${++links}-${Date.now()}`);
  return signedUrl(capabilityKey(token), route, Math.floor(Date.now() / 1000) + 60);
}

describe('browser-mode uploads', () => {
  it('imports a raw file per request through the same schema and refuses what it must', async () => {
    const { host, library } = await studio();
    const png = await makeImage('png', 7);
    const first = json(await upload(host, '/upload/library:importFiles?name=a%20b.png', png));
    expect(first).toMatchObject({ ok: true, value: { duplicates: 0, refused: [] } });
    expect((await library.list({})).items.map((item) => item.id)).toEqual(first.value.imported);
    expect(json(await upload(host, '/upload/library:importFiles?name=again.png', png))).toMatchObject({
      ok: true,
      value: { duplicates: 1 },
    });
    expect(
      json(await upload(host, '/upload/library:importFiles?name=notes.txt', Buffer.from('hello'))),
    ).toMatchObject({
      ok: true,
      value: { refused: [{ name: 'notes.txt', reason: expect.stringMatching(/PNG, JPEG and WebP/) }] },
    });
    const source = json(
      await upload(host, '/upload/library:addSource?name=s.webp', await makeImage('webp', 3)),
    );
    expect(source).toMatchObject({
      ok: true,
      value: { mime: 'image/webp', ref: expect.stringMatching(/^local:/) },
    });

    // No name, the wrong type, too large, or a route that is no upload: typed refusals.
    expect(json(await upload(host, '/upload/library:importFiles', png))).toMatchObject({
      ok: false,
      error: { code: 'validation' },
    });
    expect(
      (await upload(host, '/upload/library:importFiles?name=a.png', png, 'application/json')).status,
    ).toBe(415);
    const huge = await upload(
      host,
      '/upload/library:addSource?name=big.png',
      Buffer.alloc(10 * 1024 * 1024 + 1),
    );
    expect(huge.status).toBe(413);
    expect(json(huge)).toMatchObject({ ok: false, error: { code: 'too_large' } });
    expect(json(await upload(host, '/upload/library:export?name=x', png))).toMatchObject({
      ok: false,
      error: { code: 'unknown_method' },
    });
    // JSON cannot carry bytes: the old base64 body is refused by the schema, whatever the transport.
    const base64 = await send(host, '/rpc/library:importFiles', {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: Buffer.from(JSON.stringify({ files: [{ name: 'a.png', dataBase64: png.toString('base64') }] })),
    });
    expect(json(base64)).toMatchObject({ ok: false, error: { code: 'validation' } });
  });
});

describe('browser-mode backup and restore', () => {
  it('downloads a backup zip once per link and restores it by upload into another library', async () => {
    const from = await studio();
    const ids: string[] = [];
    for (const [i, format] of (['png', 'jpeg', 'webp'] as const).entries()) {
      const answer = json(
        await upload(
          from.host,
          `/upload/library:importFiles?name=${i}.${format}`,
          await makeImage(format, i),
        ),
      );
      ids.push(...answer.value.imported);
    }
    from.library.tag([ids[0]!], ['keeper']);
    from.library.setFavorite([ids[1]!], true);
    const album = from.library.createCollection('Album');
    from.library.addToCollection(album.id, [ids[0]!, ids[2]!]);

    const link = backupLink();
    const download = await send(from.host, link);
    expect(download.status).toBe(200);
    expect(download.headers['content-type']).toBe('application/zip');
    expect(String(download.headers['content-disposition'])).toMatch(
      /^attachment; filename="ideogram-studio-backup-.*\.zip"$/,
    );
    expect((await send(from.host, link)).status).toBe(401);
    const entries = readZip(download.body);
    const originals = (await from.library.list({})).items.map(
      (i) => `files/${i.sha256.slice(0, 2)}/${i.sha256}`,
    );
    expect([...entries.keys()].sort()).toEqual(
      ['files', 'library.db', 'manifest.json'].flatMap((name) =>
        name === 'files' ? originals.sort() : [name],
      ),
    );
    expect(JSON.parse(entries.get('manifest.json')!.toString())).toMatchObject({ images: 3, files: 3 });
    // The database copy waited in the data folder's tmp/ and is gone once the stream ended.
    await new Promise((done) => setTimeout(done, 50));
    expect(
      fs.readdirSync(path.join(from.dir, 'data', 'tmp')).filter((name) => name.startsWith('backup-')),
    ).toEqual([]);

    const to = await studio();
    const before = listing(to.dir);
    const sentinel = fs.mkdtempSync(path.join(os.tmpdir(), 'studio-tmpdir-'));
    const tmpdir = process.env.TMPDIR;
    process.env.TMPDIR = sentinel;
    let restored: Answer;
    try {
      restored = await upload(to.host, '/upload/restore', download.body);
    } finally {
      if (tmpdir === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = tmpdir;
    }
    expect(json(restored)).toMatchObject({
      ok: true,
      value: {
        restored: 3,
        files: 3,
        keptAside: expect.stringMatching(/^backups\/library-before-restore-.*\.sqlite3$/),
      },
    });
    expect(to.library.get(ids[0]!)).toMatchObject({ tags: ['keeper'], collections: [{ name: 'Album' }] });
    expect(to.library.get(ids[1]!).favorite).toBe(true);
    expect((await to.library.list({})).total).toBe(3);

    // Nothing was written outside the data folder: not the system temp folder, not beside it.
    expect(fs.readdirSync(sentinel)).toEqual([]);
    fs.rmSync(sentinel, { recursive: true });
    const after = listing(to.dir);
    for (const [file, stamp] of after) {
      if (file.startsWith(`data${path.sep}`) || file.startsWith('library.db')) continue;
      expect(before.get(file), file).toBe(stamp);
    }
    const kept = path.join(to.dir, 'data', json(restored).value.keptAside);
    const keptDb = new Database(kept, { readonly: true });
    expect(keptDb.prepare('SELECT count(*) AS n FROM images').get()).toEqual({ n: 0 });
    keptDb.close();
    expect(fs.readdirSync(path.join(to.dir, 'data', 'tmp'))).toEqual([]);
  });

  it('stops the zip and removes its database copy when the download is abandoned', async () => {
    const { host, dir } = await studio();
    const noise = await sharp({
      create: {
        width: 2048,
        height: 2048,
        channels: 3,
        background: '#000',
        noise: { type: 'gaussian', mean: 128, sigma: 60 },
      },
    })
      .png({ compressionLevel: 0 })
      .toBuffer();
    expect(json(await upload(host, '/upload/library:importFiles?name=noise.png', noise)).ok).toBe(true);
    const received = await new Promise<number>((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port: host.port,
          path: backupLink(),
          headers: { Host: `127.0.0.1:${host.port}` },
        },
        (res) => {
          let bytes = 0;
          res.on('data', (chunk: Buffer) => {
            bytes += chunk.length;
            if (bytes > 64 * 1024) req.destroy();
          });
          res.on('close', () => {
            clearTimeout(timer);
            resolve(bytes);
          });
        },
      );
      req.on('error', () => undefined);
      req.on('close', () => undefined);
      req.end();
      const timer = setTimeout(() => reject(new Error('no answer')), 10_000);
    });
    expect(received).toBeLessThan(noise.length);
    const tmp = path.join(dir, 'data', 'tmp');
    await expect.poll(() => fs.readdirSync(tmp).filter((name) => name.startsWith('backup-'))).toEqual([]);
    // The host is free for the next backup: the abandoned one no longer holds the lock.
    expect((await send(host, backupLink())).status).toBe(200);
  });

  it('refuses a damaged or foreign zip whole, before anything changes', async () => {
    const from = await studio();
    await upload(from.host, '/upload/library:importFiles?name=a.png', await makeImage('png', 1));
    const good = readZip((await send(from.host, backupLink())).body);
    const to = await studio();
    const newer = path.join(to.dir, 'newer.db');
    fs.writeFileSync(newer, good.get('library.db')!);
    const bump = new Database(newer);
    bump.pragma('user_version = 99');
    bump.close();

    const cases: Record<string, Buffer> = {
      'not a zip': Buffer.from('PK but not really a zip'),
      'a stranger entry': await zipOf({ ...Object.fromEntries(good), 'notes.txt': Buffer.from('x') }),
      'no manifest': await zipOf({ 'library.db': good.get('library.db')! }),
      'a garbage database': await zipOf({ ...Object.fromEntries(good), 'library.db': Buffer.alloc(8192, 7) }),
      'a newer schema': await zipOf({ ...Object.fromEntries(good), 'library.db': fs.readFileSync(newer) }),
      'a bad manifest': await zipOf({
        ...Object.fromEntries(good),
        'manifest.json': Buffer.from('{"app":"x"}'),
      }),
    };
    for (const [name, zip] of Object.entries(cases)) {
      const answer = json(await upload(to.host, '/upload/restore', zip));
      expect(answer.ok, name).toBe(false);
      expect(['unsupported_file', 'not_found'], `${name}: ${answer.error.message}`).toContain(
        answer.error.code,
      );
    }
    expect((await to.library.list({})).total).toBe(0);
    expect(fs.existsSync(path.join(to.dir, 'data', 'backups'))).toBe(false);
    expect(fs.readdirSync(path.join(to.dir, 'data', 'tmp'))).toEqual([]);

    const small = await studio({ maxRestoreBytes: 1024 });
    const tooBig = await upload(small.host, '/upload/restore', await zipOf(Object.fromEntries(good)));
    expect(tooBig.status).toBe(413);
    expect(json(tooBig)).toMatchObject({ ok: false, error: { code: 'too_large' } });
  });
});

function zipOf(entries: Record<string, Buffer>): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  for (const [name, bytes] of Object.entries(entries)) zip.addBuffer(bytes, name);
  zip.end();
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    zip.outputStream.on('data', (chunk: Buffer) => chunks.push(chunk));
    zip.outputStream.on('end', () => resolve(Buffer.concat(chunks)));
    zip.outputStream.on('error', reject);
  });
}
