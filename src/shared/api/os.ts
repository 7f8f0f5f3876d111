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
  /** Asks where with the save dialog, then writes the original there; the page names only the image. */
  'os:saveImage': defineMethod(
    z.object({ id: ImageId }).strict(),
    z.union([z.object({ path: z.string() }), Canceled]),
  ),
  /** Opens the original in the system's own image viewer. */
  'os:openImage': defineMethod(z.object({ id: ImageId }).strict(), z.object({ ok: z.literal(true) })),
  /** Asks which files (images, export zips) with the open dialog, then imports them. */
  'os:importImages': defineMethod(
    z.object({}).strict().optional(),
    z.union([
      z.object({
        imported: z.number().int(),
        duplicates: z.number().int(),
        refused: z.array(z.object({ name: z.string(), reason: z.string() })),
      }),
      Canceled,
    ]),
  ),
  /**
   * Asks where (a folder or a .zip), then exports these images, or with `all` the whole library and
   * its trash (a move to another machine); the page never handles a path.
   */
  'os:exportImages': defineMethod(
    z
      .object({
        ids: z.array(ImageId).min(1).max(10_000).optional(),
        all: z.literal(true).optional(),
        as: z.enum(['folder', 'zip']),
      })
      .strict()
      .refine(
        (input) => (input.ids === undefined) !== (input.all === undefined),
        'give ids or all, not both',
      ),
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
  /** Asks which table file (CSV, TSV, JSON) with the open dialog and hands back its text, size-capped. */
  'os:openBatchFile': defineMethod(
    z.object({}).strict().optional(),
    z.union([z.object({ name: z.string(), text: z.string() }), Canceled]),
  ),
  /** Asks where with the save dialog, then writes the batch's CSV there. */
  'os:saveBatchCsv': defineMethod(
    z.object({ id: z.string().regex(/^batch-[0-9a-f-]{36}$/) }).strict(),
    z.union([z.object({ path: z.string() }), Canceled]),
  ),
};
