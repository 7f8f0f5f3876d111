import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../shared/rpc.ts';
import { resolveMediaRequest } from './media-route.ts';
import { makeImage, makeTempLibrary, prepareOutput } from './test-support/fixtures.ts';

const libs: ReturnType<typeof makeTempLibrary>[] = [];
afterEach(() => {
  for (const l of libs.splice(0)) l.cleanup();
});

describe('resolveMediaRequest', () => {
  let png: Buffer;
  beforeAll(async () => {
    png = await makeImage('png', 80);
  });

  async function setup() {
    const l = makeTempLibrary();
    libs.push(l);
    const image = l.library.insertGenerated(await prepareOutput(l.library, png), {
      model: 'ideogram-3',
      prompt: 'p',
      params: {},
      jobId: 'm1',
    });
    const source = await l.library.addSource(await makeImage('jpeg', 81));
    return { ...l, image, source };
  }

  it('serves originals, thumbnails and sources by id or hash with content types and cache headers', async () => {
    const { library, image, source } = await setup();
    const original = await resolveMediaRequest(library, `/image/${image.id}/original`);
    expect(original).toEqual({
      path: (await library.fileFor(image.id, 'original')).path,
      contentType: 'image/png',
      cacheControl: 'private, max-age=31536000, immutable',
    });
    expect((await resolveMediaRequest(library, `/image/${image.id}/thumb?v=2`)).contentType).toBe(
      'image/webp',
    );
    expect((await resolveMediaRequest(library, `/image/${image.id}/preview`)).contentType).toBe('image/webp');
    expect((await resolveMediaRequest(library, `/blob/${source.sha256}`)).contentType).toBe('image/jpeg');
    expect((await resolveMediaRequest(library, `/blob/${image.sha256}`)).contentType).toBe('image/png');
  });

  it('refuses traversal attempts and anything off the grammar as not found', async () => {
    const { library, image, source } = await setup();
    const attempts = [
      '/image/../../library.db',
      `/image/${image.id}/../../../etc/passwd`,
      `/image/${image.id}/original/..`,
      `/image/${image.id}%2F..%2F..%2Fetc%2Fpasswd/original`,
      `/image/${image.id}/%2e%2e`,
      `/image/%2e%2e/original`,
      `/image/${image.id}//original`,
      `//image/${image.id}/original`,
      `/image/${image.id}/original/`,
      `/image/${image.id}\\..\\original`,
      `/image/${image.id.toLowerCase()}/original`,
      `/image/${image.id}/ORIGINAL`,
      `/image/${image.id}/raw`,
      `/blob/${source.sha256}/../x`,
      `/blob/..%2f..%2f${source.sha256}`,
      `/blob/${source.sha256.toUpperCase()}`,
      `/blob/${'f'.repeat(64)}`,
      `/image/${'0'.repeat(26)}/original`,
      `/images/${image.id}/original`,
      `image/${image.id}/original`,
      '/etc/passwd',
      '',
      '/',
    ];
    for (const attempt of attempts) {
      const error = await resolveMediaRequest(library, attempt).then(
        () => null,
        (e: unknown) => e,
      );
      expect(error, attempt).toBeInstanceOf(AppError);
      expect((error as AppError).code, attempt).toBe('not_found');
    }
  });
});
