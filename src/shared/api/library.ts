import { z } from 'zod';
import { defineMethod } from '../rpc.ts';

/** Limits the main process enforces too; here so the page can refuse early with the same numbers. */
export const libraryLimits = {
  /** Largest image accepted for import or as a generated output. */
  maxImageBytes: 40 * 1024 * 1024,
  /** Remix sources are sent on to Segmind, which takes smaller files. */
  maxSourceBytes: 10 * 1024 * 1024,
  /** Files per importFiles call (browser mode sends each file in its own raw upload). */
  maxImportFiles: 20,
  /** All files of one importFiles call together. */
  maxImportBatchBytes: 100 * 1024 * 1024,
  maxBulkIds: 10_000,
  maxPageSize: 500,
  /**
   * Filtered and searched lists count up to this many, then say "at least" (totalCapped). Measured at
   * 100,000 images: counting on to 10,000 made a three-filter first page ~50 ms; 1,000 keeps it instant.
   */
  countCap: 1_000,
  maxTagsPerCall: 20,
  maxReportedMissing: 1_000,
  /**
   * Largest image decoded, in pixels (10,000 x 10,000): a few kB of PNG can declare a billion pixels,
   * and decoding one would take gigabytes of memory. Ideogram's own outputs are 4 MP at most.
   */
  maxImagePixels: 100_000_000,
} as const;

/** Sortable text id (26 characters of Crockford base32, time first). */
export const ImageId = z.string().regex(/^[0-9A-HJKMNP-TV-Z]{26}$/, 'not an image id');
export type ImageId = z.infer<typeof ImageId>;
export const ImageIds = z.array(ImageId).min(1).max(libraryLimits.maxBulkIds);

export const Sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'not a sha256 hex digest');
export const CollectionId = z.number().int().positive();
/** Control characters are refused: SQLite's length() stops at a NUL, so "\0" would break the table's CHECK. */
const noControlCharacters = /^\P{Cc}*$/u;
export const TagName = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .regex(noControlCharacters, 'must not contain control characters');
export const CollectionName = z
  .string()
  .trim()
  .min(1)
  .max(100)
  .regex(noControlCharacters, 'must not contain control characters');
/** A file's name as the user's system gave it: shown in messages, never used to open anything. */
const FileName = z.string().min(1).max(255);

/**
 * A file's bytes. IPC carries them by structured clone; browser mode posts them raw to an upload route
 * (see transfers.ts), never as JSON, which cannot hold them.
 */
export function fileBytes(maxBytes: number) {
  return z
    .instanceof(Uint8Array)
    .refine(
      (bytes) => bytes.length >= 1 && bytes.length <= maxBytes,
      `must be a file of 1 byte to ${maxBytes / 1024 / 1024} MB`,
    )
    .meta({ maxBytes });
}

export const ImageFormat = z.enum(['png', 'jpeg', 'webp']);
export type ImageFormat = z.infer<typeof ImageFormat>;
export const ImageSource = z.enum(['generated', 'imported']);
export const Orientation = z.enum(['landscape', 'portrait', 'square']);
/** The text check's summary (see migration 007); null: the prompt quotes no text. */
export const TextStatus = z.enum(['pending', 'ok', 'attention', 'failed']);
export type TextStatus = z.infer<typeof TextStatus>;
export const ImageVariant = z.enum(['original', 'thumb', 'preview']);
export type ImageVariant = z.infer<typeof ImageVariant>;

/** A search snippet as plain pieces, so the page can highlight without rendering HTML. */
export const Snippet = z.array(z.object({ text: z.string(), match: z.boolean() }));
export type Snippet = z.infer<typeof Snippet>;

/** What a grid cell needs: everything cheap, nothing that grows with the recipe. */
export const ImageSummary = z.object({
  id: ImageId,
  sha256: Sha256,
  format: ImageFormat,
  width: z.number().int(),
  height: z.number().int(),
  bytes: z.number().int(),
  orientation: Orientation,
  model: z.string(),
  prompt: z.string(),
  createdAt: z.number().int(),
  favorite: z.boolean(),
  rating: z.number().int().min(0).max(5),
  trashedAt: z.number().int().nullable(),
  textStatus: TextStatus.nullable(),
  /** Present only when the query searched: the best matching passage. */
  snippet: Snippet.nullable(),
});
export type ImageSummary = z.infer<typeof ImageSummary>;

export const CollectionRef = z.object({ id: CollectionId, name: z.string() });

/** One image with its full recipe: enough to run it again. */
export const ImageRecord = ImageSummary.omit({ snippet: true }).extend({
  expandedPrompt: z.string().nullable(),
  negativePrompt: z.string().nullable(),
  params: z.record(z.string(), z.unknown()),
  seed: z.number().int().nullable(),
  jobId: z.string().nullable(),
  outputIndex: z.number().int().nullable(),
  source: ImageSource,
  tags: z.array(z.string()),
  collections: z.array(CollectionRef),
});
export type ImageRecord = z.infer<typeof ImageRecord>;

export const LibrarySort = z.enum(['newest', 'oldest', 'rating']);
export type LibrarySort = z.infer<typeof LibrarySort>;

export const LibraryQuery = z
  .object({
    /** Words are matched as prefixes ("fo" finds "fox"); quotes and operators are taken literally. */
    search: z.string().max(500).optional(),
    /** Look for the search words in negative prompts too (`negative:word` in the search looks only there). */
    negative: z.boolean().optional(),
    model: z.string().max(100).optional(),
    /** Creation time range, ms since the epoch, both ends inclusive. */
    from: z.number().int().nonnegative().optional(),
    to: z.number().int().nonnegative().optional(),
    favorite: z.boolean().optional(),
    minRating: z.number().int().min(1).max(5).optional(),
    collectionId: CollectionId.optional(),
    tag: TagName.optional(),
    orientation: Orientation.optional(),
    /** "Text needs attention" or "Text spelled right". */
    textStatus: z.enum(['attention', 'ok']).optional(),
    /** true lists the trash (most recently trashed first) instead of the library. */
    trashed: z.boolean().default(false),
    sort: LibrarySort.default('newest'),
    /** The nextCursor of the previous page, opaque; only valid with the same filters and sort. */
    cursor: z.string().max(500).optional(),
    /**
     * The page starting at this position (0 = the first item) in this order and with these filters,
     * for a grid that jumps instead of scrolling; walk on from there with its nextCursor.
     */
    offset: z.number().int().nonnegative().optional(),
    limit: z.number().int().min(1).max(libraryLimits.maxPageSize).default(100),
  })
  .strict()
  .refine((query) => query.cursor === undefined || query.offset === undefined, {
    message: 'give either a cursor or an offset, not both',
    path: ['offset'],
  });
export type LibraryQuery = z.input<typeof LibraryQuery>;

export const LibraryPage = z.object({
  items: z.array(ImageSummary),
  nextCursor: z.string().nullable(),
  /**
   * Given on every page asked for without a cursor (the first page, or one at an offset), so walking
   * on stays cheap. Exact for the whole library or trash; for a filtered or searched list, the matches
   * known to exist, counted up to libraryLimits.countCap or to the end of this page if that is further.
   */
  total: z.number().int().optional(),
  /** True when a filtered or searched list has more matches than total: show it as "1,000+". */
  totalCapped: z.boolean().optional(),
});
export type LibraryPage = z.infer<typeof LibraryPage>;

export const Collection = z.object({
  id: CollectionId,
  name: z.string(),
  createdAt: z.number().int(),
  count: z.number().int(),
  /** The newest live image in it, for a cover thumbnail. */
  coverId: ImageId.nullable(),
});
export type Collection = z.infer<typeof Collection>;

export const UploadedFile = z
  .object({
    name: FileName,
    // An image, or an export zip of many (each image in it is held to maxImageBytes on import).
    bytes: fileBytes(libraryLimits.maxImportBatchBytes),
  })
  .strict();

export const ImportResult = z.object({
  /** Ids of images now in the library, including ones that were already there (deduplicated). */
  imported: z.array(ImageId),
  duplicates: z.number().int(),
  refused: z.array(z.object({ name: z.string(), reason: z.string() })),
});
export type ImportResult = z.infer<typeof ImportResult>;

export const SourceInfo = z.object({
  sha256: Sha256,
  /** How a remix source is named in job params; the Segmind client resolves it with readBlob. */
  ref: z.string().regex(/^local:[0-9a-f]{64}$/),
  mime: z.enum(['image/png', 'image/jpeg', 'image/webp']),
  width: z.number().int(),
  height: z.number().int(),
  bytes: z.number().int(),
});
export type SourceInfo = z.infer<typeof SourceInfo>;

/** The library's size at a glance; kept by triggers, so every change event carries it. */
export const LibraryCounts = z.object({
  images: z.number().int(),
  trashed: z.number().int(),
  favorites: z.number().int(),
  /** Bytes of originals referenced by live and trashed images. */
  bytes: z.number().int(),
});
export type LibraryCounts = z.infer<typeof LibraryCounts>;

export const LibraryStats = LibraryCounts.extend({
  models: z.array(z.object({ model: z.string(), count: z.number().int() })),
  tags: z.array(z.object({ name: z.string(), count: z.number().int() })),
});
export type LibraryStats = z.infer<typeof LibraryStats>;

export const IntegrityReport = z.object({
  /** What SQLite's quick_check found; empty when the database is healthy. */
  database: z.array(z.string()),
  /** How many images have lost their original file on disk. */
  missingCount: z.number().int(),
  /**
   * The first of them (up to libraryLimits.maxReportedMissing), oldest first: a lost disk at a million
   * images must not become a 26 MB answer.
   */
  missingFiles: z.array(ImageId),
  checkedAt: z.number().int(),
});
export type IntegrityReport = z.infer<typeof IntegrityReport>;

/** An image as a change left it: its tile, and what the grid's filters ask of it. */
export const ChangedImage = ImageSummary.omit({ snippet: true }).extend({
  tags: z.array(z.string()),
  collectionIds: z.array(CollectionId),
});
export type ChangedImage = z.infer<typeof ChangedImage>;

/** An update of more images than this says which, not what: a grid reloads for so many anyway. */
export const changedImagesCarried = 100;

/**
 * What an edit changed. `images`: the changed images as it left them, for an edit of at most
 * changedImagesCarried, so the page that asked patches its own tiles without a lookup per image.
 */
const Updated = z.object({ updated: z.number().int(), images: z.array(ChangedImage).optional() });
export type Updated = z.infer<typeof Updated>;
const NoInput = z.object({}).strict().optional();
const Ids = z.object({ ids: ImageIds }).strict();
const TagEdit = z
  .object({ ids: ImageIds, tags: z.array(TagName).min(1).max(libraryLimits.maxTagsPerCall) })
  .strict();
const CollectionEdit = z.object({ id: CollectionId, ids: ImageIds }).strict();

export const libraryApi = {
  'library:list': defineMethod(LibraryQuery, LibraryPage),
  'library:get': defineMethod(z.object({ id: ImageId }).strict(), ImageRecord),
  'library:setFavorite': defineMethod(z.object({ ids: ImageIds, favorite: z.boolean() }).strict(), Updated),
  'library:setRating': defineMethod(
    z.object({ ids: ImageIds, rating: z.number().int().min(0).max(5) }).strict(),
    Updated,
  ),
  'library:tag': defineMethod(TagEdit, Updated),
  'library:untag': defineMethod(TagEdit, Updated),
  'library:trash': defineMethod(Ids, Updated),
  'library:restore': defineMethod(Ids, Updated),
  /** Without ids, the whole trash. Files go when no image or source still needs them. */
  'library:emptyTrash': defineMethod(
    z.object({ ids: ImageIds.optional() }).strict().optional(),
    z.object({ removed: z.number().int(), filesRemoved: z.number().int() }),
  ),
  'library:importFiles': defineMethod(
    z
      .object({
        files: z
          .array(UploadedFile)
          .min(1)
          .max(libraryLimits.maxImportFiles)
          .refine(
            (files) => files.reduce((sum, f) => sum + f.bytes.length, 0) <= libraryLimits.maxImportBatchBytes,
            `at most ${libraryLimits.maxImportBatchBytes / 1024 / 1024} MB per import; send the rest in another call`,
          ),
      })
      .strict(),
    ImportResult,
  ),
  'library:addSource': defineMethod(
    z
      .object({
        name: FileName,
        bytes: fileBytes(libraryLimits.maxSourceBytes),
      })
      .strict(),
    SourceInfo,
  ),
  'library:listCollections': defineMethod(NoInput, z.array(Collection)),
  'library:createCollection': defineMethod(z.object({ name: CollectionName }).strict(), Collection),
  'library:addToCollection': defineMethod(CollectionEdit, Updated),
  'library:removeFromCollection': defineMethod(CollectionEdit, Updated),
  'library:stats': defineMethod(NoInput, LibraryStats),
  'library:checkIntegrity': defineMethod(NoInput, IntegrityReport),
};

export const LibraryChange = z.object({
  kind: z.enum(['added', 'updated', 'removed']),
  ids: z.array(ImageId),
  /**
   * For an update of at most changedImagesCarried images, each one as it is now (one that is gone
   * since is missing), so the page patches its tiles without asking for them one by one. Absent
   * for larger updates; a change the page replays to itself takes them from its edit's answer
   * (Updated), when that has them.
   */
  images: z.array(ChangedImage).optional(),
  /**
   * The counts after this change, so the page need not ask library:stats again. Main always sends
   * them; a change the page replays to itself (after its own action) has none.
   */
  counts: LibraryCounts.optional(),
});
export type LibraryChange = z.infer<typeof LibraryChange>;

export const libraryEvents = {
  'library:changed': LibraryChange,
};
