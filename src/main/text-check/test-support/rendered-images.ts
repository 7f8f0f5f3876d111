import fs from 'node:fs';
import type { Library } from '../../library/library.ts';
import { prepareOutput } from '../../library/test-support/fixtures.ts';
import { renderImage } from '../../simulator/image-render.ts';
import type { TextLook } from '../../simulator/text-faults.ts';

let job = 0;

/** Writes the simulator's picture for `prompt` (its quoted words drawn as asked) to `file`, for the OCR alone. */
export async function writeRendered(
  file: string,
  prompt: string,
  options: { seed: number; modelLabel: string; width: number; height: number },
): Promise<string> {
  fs.writeFileSync(file, await renderImage({ ...options, prompt, index: 0, format: 'png' }));
  return file;
}

/**
 * Stores a simulator-rendered image as a job output whose prompt is `prompt` but whose picture shows
 * `drawn` instead of the prompt's phrases: the ground truth a test knows and the OCR has to find.
 */
export async function addRendered(
  library: Library,
  prompt: string,
  drawn: string[],
  options: { seed?: number; look?: TextLook; width?: number; height?: number } = {},
): Promise<string> {
  const bytes = await renderImage({
    modelLabel: 'Ideogram 3.0',
    prompt,
    seed: options.seed ?? 1234,
    index: 0,
    width: options.width ?? 1024,
    height: options.height ?? 1024,
    format: 'png',
    text: { phrases: drawn, look: options.look ?? {} },
  });
  const prepared = await prepareOutput(library, bytes, ['thumb']);
  job++;
  return library.insertGenerated(prepared, {
    model: 'ideogram-3',
    prompt,
    params: { prompt },
    jobId: `text-check-test-${process.pid}-${job}`,
  }).id;
}
