import type { ImageFormat } from './api/library.ts';

const extensions: Record<ImageFormat, string> = { png: '.png', jpeg: '.jpg', webp: '.webp' };

/**
 * The file name an image gets outside the app (a download, a save dialog, an export): the day it
 * was made, the start of its prompt and the end of its id, so names sort by date and never collide.
 */
export function downloadNameOf(image: {
  id: string;
  prompt: string;
  createdAt: number;
  format: ImageFormat;
}): string {
  const date = new Date(image.createdAt).toISOString().slice(0, 10);
  const slug = image.prompt
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 48)
    .replace(/-+$/, '');
  return `${date}_${slug || 'image'}_${image.id.slice(-8)}${extensions[image.format]}`;
}
