import { z } from 'zod';
import { defineMethod } from '../rpc.ts';
import { ImageId, Sha256 } from './library.ts';

export const LineageRole = z.enum(['source', 'style', 'variation']);
export type LineageRole = z.infer<typeof LineageRole>;

/** One image on the other end of a lineage edge: a library image, a file added as a source, or gone. */
export const LineageImage = z.object({
  /** The library image, when the bytes are one; null for a source file or a deleted parent. */
  id: ImageId.nullable(),
  sha256: Sha256,
  kind: z.enum(['image', 'file', 'missing']),
  prompt: z.string(),
  trashed: z.boolean(),
});
export type LineageImage = z.infer<typeof LineageImage>;

export const LineageLink = LineageImage.extend({ role: LineageRole });
export type LineageLink = z.infer<typeof LineageLink>;

export const Lineage = z.object({
  parents: z.array(LineageLink),
  children: z.array(LineageLink),
  /** More children than listed (a source remixed hundreds of times). */
  moreChildren: z.boolean(),
});
export type Lineage = z.infer<typeof Lineage>;

/** A family: every image linked to this one through parents and children, as nodes and edges. */
export const Family = z.object({
  nodes: z.array(LineageImage.extend({ key: z.string() })),
  /** From parent key to child key. */
  edges: z.array(z.object({ from: z.string(), to: z.string(), role: LineageRole })),
  /** The walk stopped at its node limit. */
  truncated: z.boolean(),
});
export type Family = z.infer<typeof Family>;

const ById = z.object({ id: ImageId }).strict();

export const lineageApi = {
  'library:lineage': defineMethod(ById, Lineage),
  'library:family': defineMethod(ById, Family),
};
