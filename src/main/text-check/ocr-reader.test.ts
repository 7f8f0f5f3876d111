import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createOcrReader } from './ocr-reader.ts';
import { matchPhrase } from './phrase-match.ts';
import { writeRendered } from './test-support/rendered-images.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ocr-reader-'));
const reader = createOcrReader();
afterAll(async () => {
  await reader.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

// Both engines, for real, on the worker thread: Paddle is the default, Tesseract its stand-in.
describe('OCR reader', { timeout: 240_000 }, () => {
  it('reads a rendered sign with each engine', async () => {
    const file = await writeRendered(path.join(dir, 'sign.png'), 'A shop sign that says "OPEN LATE"', {
      modelLabel: 'Ideogram 3.0',
      seed: 301,
      width: 1024,
      height: 768,
    });
    const readings = await reader.read(file, ['tesseract', 'paddle']);
    expect(readings.map((r) => r.engine)).toEqual(['tesseract', 'paddle']);
    for (const reading of readings) {
      expect(matchPhrase('OPEN LATE', reading.lines).verdict, reading.engine).toBe('right');
      expect(reading.ms).toBeGreaterThan(0);
    }
  });

  it('fails a file that is not an image with a readable reason, and keeps working', async () => {
    const file = path.join(dir, 'not-an-image.png');
    fs.writeFileSync(file, 'plain text');
    await expect(reader.read(file, ['paddle'])).rejects.toThrow(/unsupported image format|Input/i);
    const missing = path.join(dir, 'gone.png');
    await expect(reader.read(missing, ['paddle'])).rejects.toThrow(/missing|exist/i);
  });

  it('closes while readings are under way: each fails as closed, and the process lives on', async () => {
    const file = await writeRendered(path.join(dir, 'busy.png'), 'A poster that says "LAST CALL"', {
      modelLabel: 'Ideogram 4.0',
      seed: 302,
      width: 1024,
      height: 1024,
    });
    const own = createOcrReader();
    // Warm: the engine is loaded, so the next readings are inside onnxruntime when close() lands.
    await own.read(file, ['paddle']);
    const readings = Array.from({ length: 6 }, () =>
      own.read(file, ['paddle']).then(
        () => 'read',
        (e: Error) => e.message,
      ),
    );
    await new Promise((resolve) => setTimeout(resolve, 150));
    await own.close();
    const outcomes = await Promise.all(readings);
    expect(
      outcomes.every((o) => o === 'read' || /closed|closing/.test(o)),
      outcomes.join('; '),
    ).toBe(true);
    // One reading at a time: close waits for the one under way only, never for six side by side
    // (which on a loaded machine ran past the 15 s terminate and aborted the process).
    expect(outcomes.filter((o) => o === 'read').length, outcomes.join('; ')).toBeLessThanOrEqual(1);
    // Before the fix the worker closed onnxruntime under a running inference and took the whole
    // process down ("terminate called after throwing an instance of 'Napi::Error'"): this line ran only
    // if it survived. Another reader still reads.
    expect((await reader.read(file, ['paddle']))[0]!.lines.join(' ')).toMatch(/LAST/);
  });
});
