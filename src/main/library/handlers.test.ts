import { afterEach, describe, expect, it } from 'vitest';
import { libraryApi } from '../../shared/api/library.ts';
import { createLibraryHandlers } from './handlers.ts';
import { makeImage, makeTempLibrary } from './test-support/fixtures.ts';

const libs: ReturnType<typeof makeTempLibrary>[] = [];
afterEach(() => {
  for (const l of libs.splice(0)) l.cleanup();
});
function setup() {
  const l = makeTempLibrary();
  libs.push(l);
  return { ...l, handlers: createLibraryHandlers(l.library) };
}

describe('library handlers', () => {
  it('has a handler for every method of the contract', () => {
    const { handlers } = setup();
    expect(Object.keys(handlers).sort()).toEqual(Object.keys(libraryApi).sort());
  });

  it('imports files sent as bytes and lists them', async () => {
    const { handlers } = setup();
    const png = await makeImage('png', 90);
    const input = libraryApi['library:importFiles'].input.parse({
      files: [{ name: 'a.png', bytes: new Uint8Array(png) }],
    });
    const result = await handlers['library:importFiles'](input, { transport: 'web' });
    expect(result).toMatchObject({ duplicates: 0, refused: [] });
    const page = await handlers['library:list'](libraryApi['library:list'].input.parse({}), {
      transport: 'web',
    });
    expect(page.items.map((i) => i.id)).toEqual(result.imported);
    expect(() => libraryApi['library:list'].output.parse(page)).not.toThrow();
  });

  it('takes bytes only as bytes: base64 text, empty or oversized files fail the schema', () => {
    const source = libraryApi['library:addSource'].input;
    expect(source.safeParse({ name: 'x.png', bytes: 'iVBORw0KGgo=' }).success).toBe(false);
    expect(source.safeParse({ name: 'x.png', dataBase64: 'iVBORw0KGgo=' }).success).toBe(false);
    expect(source.safeParse({ name: 'x.png', bytes: new Uint8Array(0) }).success).toBe(false);
    expect(source.safeParse({ name: 'x.png', bytes: new Uint8Array(10 * 1024 * 1024 + 1) }).success).toBe(
      false,
    );
    expect(source.safeParse({ name: 'x.png', bytes: Buffer.from([1, 2, 3]) }).success).toBe(true);
  });

  it('refuses an undecodable source with a typed error, not a crash', async () => {
    const { handlers } = setup();
    await expect(
      (async () =>
        handlers['library:addSource'](
          { name: 'x.png', bytes: new Uint8Array([1, 2, 3]) },
          { transport: 'web' },
        ))(),
    ).rejects.toMatchObject({ code: 'unsupported_file' });
  });

  it('bounds bulk ids and page sizes in the schema', () => {
    const ids = Array.from({ length: 10_001 }, () => '01ARZ3NDEKTSV4RRFFQ69G5FAV');
    expect(libraryApi['library:trash'].input.safeParse({ ids }).success).toBe(false);
    expect(libraryApi['library:trash'].input.safeParse({ ids: ids.slice(1) }).success).toBe(true);
    expect(libraryApi['library:trash'].input.safeParse({ ids: ['../x'] }).success).toBe(false);
    expect(libraryApi['library:list'].input.safeParse({ limit: 501 }).success).toBe(false);
    expect(libraryApi['library:list'].input.safeParse({ bogus: 1 }).success).toBe(false);
  });
});
