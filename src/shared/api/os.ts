import { z } from 'zod';
import { defineMethod } from '../rpc.ts';
import { ImageId } from './library.ts';
const Canceled = z.object({ canceled: z.literal(true) });

/**
 * Desktop integration. Electron answers these with the OS (file manager, clipboard, dialogs): main
 * asks the user where, so no page ever names a path. Browser mode has no OS windows to open: it
 * answers 'unavailable', writes exports into the data folder and says where, and moves backups as a
 * download and an upload (see transfers.ts).
 */
export const osApi = {
  'os:revealImage': defineMethod(z.object({ id: ImageId }).strict(), z.object({ ok: z.literal(true) })),
  'os:revealDataDir': defineMethod(z.object({}).strict().optional(), z.object({ ok: z.literal(true) })),
  'os:copyImage': defineMethod(z.object({ id: ImageId }).strict(), z.object({ ok: z.literal(true) })),
  'os:startDrag': defineMethod(
    z.object({ ids: z.array(ImageId).min(1).max(100) }).strict(),
    z.object({ ok: z.literal(true) }),
  ),
  /** Asks where (a folder or a .zip), then exports; the page never handles a path. */
  'os:exportImages': defineMethod(
    z.object({ ids: z.array(ImageId).min(1).max(10_000), as: z.enum(['folder', 'zip']) }).strict(),
    z.union([z.object({ path: z.string(), count: z.number().int() }), Canceled]),
  ),
  'os:backupLibrary': defineMethod(
    z.object({}).strict().optional(),
    z.union([z.object({ path: z.string(), images: z.number().int(), files: z.number().int() }), Canceled]),
  ),
  'os:restoreLibrary': defineMethod(
    z.object({}).strict().optional(),
    z.union([z.object({ restored: z.number().int(), files: z.number().int() }), Canceled]),
  ),
};
