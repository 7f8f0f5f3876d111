import { z } from 'zod';

/** Ideogram's limit for a remix source, and for all style references together. */
export const MAX_IMAGE_BYTES = 10 * 1024 * 1024;

export const imageMimeTypes = ['image/png', 'image/jpeg', 'image/webp'] as const;

const LOCAL_PREFIX = 'local:';
const localRefPattern = /^local:[0-9a-f]{64}$/;
const dataUriPattern = /^data:(image\/(?:png|jpeg|webp));base64,([A-Za-z0-9+/]*={0,2})$/;

/** `local:<sha256>` names a file in the app's content-addressed store; the client sends it as data. */
export function isLocalImageRef(value: string): boolean {
  return localRefPattern.test(value);
}

export function localImageRef(sha256: string): string {
  const ref = LOCAL_PREFIX + sha256;
  if (!isLocalImageRef(ref)) throw new Error('localImageRef: expected 64 lowercase hex characters');
  return ref;
}

export function sha256FromLocalRef(ref: string): string | null {
  return isLocalImageRef(ref) ? ref.slice(LOCAL_PREFIX.length) : null;
}

export function isHttpUrl(value: string): boolean {
  if (!/^https?:\/\//i.test(value)) return false;
  try {
    new URL(value);
    return true;
  } catch {
    return false;
  }
}

export interface DataUriInfo {
  mime: (typeof imageMimeTypes)[number];
  base64: string;
  /** Decoded size, computed from the base64 length so the browser need not decode it. */
  bytes: number;
}

export function parseImageDataUri(value: string): DataUriInfo | null {
  const match = dataUriPattern.exec(value);
  if (!match) return null;
  const base64 = match[2] ?? '';
  const padding = base64.endsWith('==') ? 2 : base64.endsWith('=') ? 1 : 0;
  return {
    mime: match[1] as DataUriInfo['mime'],
    base64,
    bytes: Math.floor((base64.length * 3) / 4) - padding,
  };
}

export function toImageDataUri(mime: string, base64: string): string {
  return `data:${mime};base64,${base64}`;
}

/** Bytes a reference adds to a request; URLs and local refs are not known until resolved. */
export function inlineImageBytes(value: string): number {
  return parseImageDataUri(value)?.bytes ?? 0;
}

const FORMS = 'an http(s) URL, a data:image/png|jpeg|webp;base64 URI, or a local:<sha256> reference';

export const imageRefSchema = z.string({ error: `must be ${FORMS}` }).superRefine((value, ctx) => {
  if (isHttpUrl(value) || isLocalImageRef(value)) return;
  const data = parseImageDataUri(value);
  if (!data) {
    ctx.addIssue({ code: 'custom', message: `must be ${FORMS}` });
  } else if (data.bytes > MAX_IMAGE_BYTES) {
    ctx.addIssue({ code: 'custom', message: 'must be an image of at most 10 MB' });
  }
});
