import type { DragEvent } from 'react';
import { call, mediaUrl } from '../bridge/api.ts';

/**
 * Inside the Electron app the OS actions (show in folder, clipboard, dragging real files out) go
 * through main; browser mode has no OS to reach, so these fall back to what a web page can do.
 */
export const isDesktop = typeof window !== 'undefined' && window.studio !== undefined;

export function revealImage(id: string): Promise<unknown> {
  return call('os:revealImage', { id });
}

export function revealDataDir(): Promise<unknown> {
  return call('os:revealDataDir', {});
}

/** Puts the original on the clipboard as PNG, the one image type every paste target takes. */
export async function copyImage(id: string): Promise<void> {
  if (isDesktop) {
    await call('os:copyImage', { id });
    return;
  }
  const response = await fetch(mediaUrl(`/image/${id}/original`));
  if (!response.ok) throw new Error('The image could not be read.');
  let blob = await response.blob();
  if (blob.type !== 'image/png') {
    const bitmap = await createImageBitmap(blob);
    const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
    canvas.getContext('2d')!.drawImage(bitmap, 0, 0);
    blob = await canvas.convertToBlob({ type: 'image/png' });
  }
  await navigator.clipboard.write([new ClipboardItem({ 'image/png': blob })]);
}

/**
 * In Electron a drag out must carry real files, which only main can start (webContents.startDrag);
 * the page's own drag is cancelled. Dropping back onto the remix zone still works: it arrives as a
 * file. Returns false in browser mode, where the page's DownloadURL drag is all there is.
 */
export function startNativeDrag(event: DragEvent<HTMLElement>, ids: string[]): boolean {
  if (!isDesktop) return false;
  event.preventDefault();
  void call('os:startDrag', { ids });
  return true;
}
