import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { embedRecipe } from '../library/embedded-recipe.ts';
import { makeTempLibrary } from '../library/test-support/fixtures.ts';
import { renderImage } from '../simulator/image-render.ts';
import { createOcrReader } from './ocr-reader.ts';
import { addRendered } from './test-support/rendered-images.ts';
import { createTextCheckService, type TextCheckService } from './text-check-service.ts';

const sign = 'A shop sign that says "OPEN LATE"';

let world: ReturnType<typeof makeTempLibrary>;
let service: TextCheckService;
// One OCR worker for every test: its engines start once.
const reader = createOcrReader();

function startService() {
  return createTextCheckService({ db: world.db, library: world.library, reader });
}

beforeEach(() => {
  world = makeTempLibrary();
  service = startService();
  service.start();
});
afterEach(async () => {
  await service.close();
  world.cleanup();
});
afterAll(() => reader.close());

// Real OCR (PaddleOCR, the default plan, on the worker thread) on real rendered images: no mocks.
// Generous timeout: on a loaded 2-core machine one reading can take several seconds.
describe('text check service', { timeout: 240_000 }, () => {
  it('passes a right phrase, flags a misspelled one with what it read, and says when one is missing', async () => {
    const right = await addRendered(world.library, sign, ['OPEN LATE'], { seed: 101 });
    const wrong = await addRendered(world.library, sign, ['OPEN LTAE'], { seed: 102 });
    const missing = await addRendered(world.library, sign, [], { seed: 103 });

    const [ok, misspelled, absent] = await Promise.all(
      [right, wrong, missing].map((id) => service.whenChecked(id)),
    );
    expect(ok).toMatchObject({
      status: 'ok',
      phrases: [{ phrase: 'OPEN LATE', verdict: 'right', read: null }],
    });
    expect(misspelled?.status).toBe('attention');
    expect(misspelled?.phrases[0]).toMatchObject({ phrase: 'OPEN LATE', verdict: 'misspelled' });
    expect(misspelled?.phrases[0]?.read?.toUpperCase().replace(/\s/g, '')).toBe('OPENLTAE');
    expect(absent).toMatchObject({ status: 'attention', phrases: [{ verdict: 'missing', read: null }] });

    // The tile's summary carries the status, the filters find it, and the read text is searchable.
    expect(world.library.get(wrong).textStatus).toBe('attention');
    const attention = (await world.library.list({ textStatus: 'attention' })).items.map((i) => i.id);
    expect(attention.sort()).toEqual([wrong, missing].sort());
    expect((await world.library.list({ textStatus: 'ok' })).items.map((i) => i.id)).toEqual([right]);
    expect((await world.library.list({ search: 'ltae' })).items.map((i) => i.id)).toEqual([wrong]);
  });

  it('checks an imported image by the prompt its embedded recipe carries', async () => {
    const prompt = 'A poster that says "SUMMER SALE"';
    const picture = await renderImage({
      modelLabel: 'Ideogram 3.0',
      prompt,
      seed: 107,
      index: 0,
      width: 768,
      height: 768,
      format: 'png',
      text: { phrases: ['SUMER SALE'], look: {} },
    });
    const bytes = embedRecipe(picture, 'png', {
      app: 'ideogram-studio',
      version: 1,
      model: 'ideogram-3',
      prompt,
      expandedPrompt: null,
      negativePrompt: null,
      params: { prompt },
      seed: 107,
      jobId: null,
      outputIndex: null,
      createdAt: 1_700_000_000_000,
    })!;
    const { imported } = await world.library.importFiles([{ name: 'summer.png', bytes }]);
    const check = await service.whenChecked(imported[0]!);
    expect(check).toMatchObject({
      status: 'attention',
      phrases: [{ phrase: 'SUMMER SALE', verdict: 'misspelled' }],
    });
  });

  it('checks nothing when the prompt quotes nothing', async () => {
    const id = await addRendered(world.library, 'a red fox in the snow', [], {
      seed: 104,
      width: 256,
      height: 256,
    });
    expect(await service.whenChecked(id)).toMatchObject({ status: null, phrases: [] });
    await service.idle();
    expect(world.library.get(id).textStatus).toBeNull();
  });

  it('reruns a check on request and finds pending checks again after a restart', async () => {
    const id = await addRendered(world.library, sign, ['OPEN LATE'], { seed: 105 });
    expect((await service.whenChecked(id)).status).toBe('ok');

    expect(service.run([id])).toEqual({ queued: 1 });
    expect(service.get(id).status).toBe('pending');
    await service.idle();
    expect(service.get(id).status).toBe('ok');

    // A quit mid-check leaves the image pending; the next start checks it.
    world.db.prepare("UPDATE images SET text_status = 'pending' WHERE id = ?").run(id);
    await service.close();
    service = startService();
    const checked = service.whenChecked(id);
    service.start();
    expect((await checked).status).toBe('ok');
  });

  it('checks at the next start an image stored while no check was listening (a crash in between)', async () => {
    await service.close();
    const id = await addRendered(world.library, sign, ['OPEN LATE'], { seed: 110, width: 320, height: 320 });
    expect(world.library.get(id).textStatus).toBe('pending');
    service = startService();
    const checked = service.whenChecked(id);
    service.start();
    expect((await checked).status).toBe('ok');
  });

  it('leaves an image trashed before its check pending, and answers whoever waits on it', async () => {
    // The first image keeps the reader busy, so the second is still waiting in the queue when trashed.
    await addRendered(world.library, sign, ['OPEN LATE'], { seed: 109 });
    const id = await addRendered(world.library, sign, ['OPEN LATE'], { seed: 108, width: 320, height: 320 });
    const waiting = service.whenChecked(id);
    world.library.trash([id]);
    expect((await waiting).status).toBe('pending');
    await service.idle();
    expect(world.library.get(id).textStatus).toBe('pending');
  });

  it('marks an image whose file is gone as failed, with the reason', async () => {
    const id = await addRendered(world.library, sign, ['OPEN LATE'], { seed: 106, width: 320, height: 320 });
    await service.idle();
    const { sha256 } = world.library.get(id);
    const file = (await world.library.blobFileFor(sha256)).path;
    (await import('node:fs')).rmSync(file);
    service.run([id]);
    await service.idle();
    expect(service.get(id)).toMatchObject({ status: 'failed', error: expect.stringMatching(/missing/) });
  });
});
