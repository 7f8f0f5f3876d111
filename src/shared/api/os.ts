import { z } from 'zod';
import { defineMethod } from '../rpc.ts';

const ImageId = z.string().min(1).max(64);

/**
 * Desktop integration. Electron answers these with the OS; browser mode has no OS to reach and
 * answers 'unavailable', so the page hides or replaces the action there.
 */
export const osApi = {
  'os:revealImage': defineMethod(z.object({ id: ImageId }).strict(), z.object({ ok: z.literal(true) })),
  'os:revealDataDir': defineMethod(z.object({}).strict().optional(), z.object({ ok: z.literal(true) })),
  'os:copyImage': defineMethod(z.object({ id: ImageId }).strict(), z.object({ ok: z.literal(true) })),
  'os:startDrag': defineMethod(
    z.object({ ids: z.array(ImageId).min(1).max(100) }).strict(),
    z.object({ ok: z.literal(true) }),
  ),
  'os:openExternal': defineMethod(
    z.object({ url: z.url({ protocol: /^https?$/ }).max(2048) }).strict(),
    z.object({ ok: z.literal(true) }),
  ),
};
