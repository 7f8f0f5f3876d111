import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { renderImage } from '../simulator/image-render.ts';
import { createOcrReader } from './ocr-reader.ts';
import { matchPhrase } from './phrase-match.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ocr-reader-'));
const reader = createOcrReader();
afterAll(async () => {
  await reader.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

// Both engines, for real, on the worker thread: Paddle is the default, Tesseract its stand-in.
describe('OCR reader', { timeout: 240_000 }, () => {
  it('reads a rendered sign with each engine', async () => {
    const file = path.join(dir, 'sign.png');
    fs.writeFileSync(
      file,
      await renderImage({
        modelLabel: 'Ideogram 3.0',
        prompt: 'A shop sign that says "OPEN LATE"',
        seed: 301,
        index: 0,
        width: 1024,
        height: 768,
        format: 'png',
      }),
    );
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
});
