import { z } from 'zod';
import type { ImageFormat } from '../../shared/api/library.ts';
import { readJpegXmp, writeJpegXmp } from './metadata-jpeg.ts';
import { readPngText, writePngText } from './metadata-png.ts';
import { readWebpXmp, writeWebpXmp } from './metadata-webp.ts';
import { recipeFromXmp, xmpPacket } from './xmp-packet.ts';

/** The PNG text keyword and the marker in XMP by which we know our own recipe. */
export const recipeKeyword = 'ideogram-studio';

/** What travels inside an exported image (and its sidecar), enough to make it again. */
export const EmbeddedRecipe = z.object({
  app: z.literal(recipeKeyword),
  version: z.literal(1),
  model: z.string().max(200),
  prompt: z.string().max(20_000),
  expandedPrompt: z.string().max(40_000).nullable(),
  negativePrompt: z.string().max(20_000).nullable(),
  params: z.record(z.string(), z.unknown()),
  seed: z.number().int().nullable(),
  jobId: z.string().max(200).nullable(),
  outputIndex: z.number().int().nonnegative().nullable(),
  createdAt: z.number().int(),
});
export type EmbeddedRecipe = z.infer<typeof EmbeddedRecipe>;

/** Returns the image with the recipe embedded, pixels untouched; null if the format cannot carry it. */
export function embedRecipe(bytes: Uint8Array, format: ImageFormat, recipe: EmbeddedRecipe): Buffer | null {
  const json = JSON.stringify(recipe);
  switch (format) {
    case 'png':
      return writePngText(bytes, recipeKeyword, json);
    case 'jpeg':
      return writeJpegXmp(bytes, xmpPacket(recipe.prompt, json));
    case 'webp':
      return writeWebpXmp(bytes, xmpPacket(recipe.prompt, json));
  }
}

/** Our own recipe from an image's metadata, or null (none, someone else's, or damaged). */
export function extractRecipe(bytes: Uint8Array, format: ImageFormat): EmbeddedRecipe | null {
  let text: string | null;
  try {
    if (format === 'png') text = readPngText(bytes, recipeKeyword);
    else {
      const xmp = format === 'jpeg' ? readJpegXmp(bytes) : readWebpXmp(bytes);
      text = xmp === null ? null : recipeFromXmp(xmp);
    }
    if (text === null) return null;
    const parsed = EmbeddedRecipe.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    // Metadata from the outside is untrusted: a malformed chunk means "no recipe", not a failed import.
    return null;
  }
}
