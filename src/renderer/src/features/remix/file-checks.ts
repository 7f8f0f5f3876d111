import { libraryLimits } from '../../../../shared/api/library.ts';
import { imageMimeTypes } from '../../../../shared/models/index.ts';
import { formatBytes } from '../../lib/format.ts';

/** The refusal for a file, in words that say what to do instead; null when it is acceptable. */
export function refusalOf(file: { name: string; type: string; size: number }): string | null {
  if (!(imageMimeTypes as readonly string[]).includes(file.type)) {
    return `“${file.name}” is not a PNG, JPEG or WebP image, so it cannot be used as a source. Drop an image file instead.`;
  }
  if (file.size > libraryLimits.maxSourceBytes) {
    return `“${file.name}” is ${formatBytes(file.size)}; sources must be 10 MB or smaller. Use a smaller or compressed copy.`;
  }
  return null;
}
