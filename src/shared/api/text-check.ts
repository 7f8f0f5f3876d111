import { z } from 'zod';
import { defineMethod } from '../rpc.ts';
import { ImageId, ImageIds, TextStatus } from './library.ts';

export const Verdict = z.enum(['right', 'misspelled', 'missing']);
export type Verdict = z.infer<typeof Verdict>;

export const PhraseVerdict = z.object({
  phrase: z.string(),
  verdict: Verdict,
  /** For 'misspelled': what the image shows instead, as read. */
  read: z.string().nullable(),
});
export type PhraseVerdict = z.infer<typeof PhraseVerdict>;

/** The most read text the page is given: enough to show, never a whole OCR dump of a busy image. */
export const maxReadTextChars = 2_000;

/** One image's text check, for the detail view. */
export const TextCheck = z.object({
  imageId: ImageId,
  /** null: the prompt quotes no text, so there is nothing to check. */
  status: TextStatus.nullable(),
  /** Empty while pending. */
  phrases: z.array(PhraseVerdict),
  /** Everything the check read in the image, line by line (searchable in the library). */
  readText: z.string().max(maxReadTextChars),
  checkedAt: z.number().int().nullable(),
  engines: z.array(z.string()),
  /** Why the image could not be read, for 'failed'. */
  error: z.string().nullable(),
});
export type TextCheck = z.infer<typeof TextCheck>;

export const textCheckApi = {
  'textCheck:get': defineMethod(z.object({ id: ImageId }).strict(), TextCheck),
  /** Checks these images (again); images whose prompt quotes no text are skipped. */
  'textCheck:run': defineMethod(z.object({ ids: ImageIds }).strict(), z.object({ queued: z.number().int() })),
};

export const textCheckEvents = {
  /** A check finished (or was queued again): the detail view shows it without asking. */
  'textCheck:changed': TextCheck,
};
