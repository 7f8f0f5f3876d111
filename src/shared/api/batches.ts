import { z } from 'zod';
import { getModel, MAX_PROMPT_CHARS, modelIds, ModelIdSchema, type ModelId } from '../models/index.ts';
import { matrixLimits } from '../batches/matrix.ts';
import { defineMethod } from '../rpc.ts';
import { CollectionId } from './library.ts';
import { JobId, JobState } from './jobs.ts';

/**
 * Batches: many jobs made at once from a file (CSV, TSV or JSON, one row per job) or from the form
 * as a matrix (one to three parameters, each with its values). A batch has a name, its own collection,
 * progress and spend read from counters, and a grid of its results by what it varies.
 */

/** A batch's id says it is one: its jobs' batchId names it, where a lone job's names the job itself. */
export const BATCH_ID_PREFIX = 'batch-';
export const BatchId = z.string().regex(/^batch-[0-9a-f-]{36}$/, { error: 'is not a batch id' });
export type BatchId = z.infer<typeof BatchId>;

export function isBatchId(id: string): boolean {
  return id.startsWith(BATCH_ID_PREFIX);
}

export const batchLimits = {
  /** What the page may send as one file's text. A 10,000-row file of prompts is about 2 MB. */
  maxFileChars: 16 * 1024 * 1024,
  maxRows: 100_000,
  maxColumns: 64,
  /** Errors listed at once; the count says how many there are in all. */
  maxErrorsShown: 200,
  maxNameChars: 120,
  /** Rows of a file shown before a mapping is chosen. */
  sampleRows: 5,
  maxCellsPage: 500,
} as const;

export const AxisValue = z.union([z.string().max(MAX_PROMPT_CHARS), z.number(), z.boolean()]);

const ParamName = z.string().min(1).max(64);
const BatchName = z.string().trim().min(1).max(batchLimits.maxNameChars);
export const DraftId = z.string().regex(/^draft-[0-9a-f-]{36}$/, { error: 'is not a file being read' });
const CellText = z.string().max(MAX_PROMPT_CHARS);

export const AxisInfo = z.object({
  key: z.string(),
  param: z.string(),
  label: z.string(),
  values: z.array(AxisValue),
});
export type AxisInfoOut = z.infer<typeof AxisInfo>;

/** Where a column's cells go: a parameter of the model, or nowhere (null: the column is ignored). */
export const ColumnMapping = z.array(ParamName.nullable()).max(batchLimits.maxColumns);
export type ColumnMapping = z.infer<typeof ColumnMapping>;

/** The same value for every row, for a parameter no column holds, written as a cell would be. */
export const FixedValues = z.record(ParamName, CellText);

export const FileFormat = z.enum(['csv', 'tsv', 'json']);

export const DraftInfo = z.object({
  draftId: DraftId,
  name: z.string(),
  format: FileFormat,
  headers: z.array(z.string()),
  rowCount: z.number().int(),
  /** The first rows as read, for the mapping table. */
  sample: z.array(z.array(z.string())),
  /** Headers named like a parameter (or its label) map themselves. */
  mapping: ColumnMapping,
});
export type DraftInfo = z.infer<typeof DraftInfo>;

/** One problem with one cell (or, with no column, with the row: a parameter no column gives). */
export const RowError = z.object({
  /** The row as a spreadsheet numbers it: the header is row 1. JSON: the item's place, from 1. */
  row: z.number().int(),
  /** The file's column (from 0), or null when no column holds the parameter. */
  column: z.number().int().nullable(),
  param: z.string(),
  /** The cell's text as the file has it (or as fixed since). */
  value: z.string(),
  /** "Row 18, column "Style" (style_type): must be one of AUTO, GENERAL, REALISTIC, DESIGN". */
  message: z.string(),
});
export type RowError = z.infer<typeof RowError>;

export const CheckResult = z.object({
  rows: z.number().int(),
  valid: z.number().int(),
  invalid: z.number().int(),
  errors: z.array(RowError),
  /** Errors in all (only the first batchLimits.maxErrorsShown are listed). */
  errorCount: z.number().int(),
  /** Of the valid rows: what they make and cost. */
  images: z.number().int(),
  usd: z.number(),
});
export type CheckResult = z.infer<typeof CheckResult>;

const FileChoice = z
  .object({
    draftId: DraftId,
    model: ModelIdSchema,
    mapping: ColumnMapping,
    fixed: FixedValues.default({}),
  })
  .strict();

export const BatchState = z.enum(['queuing', 'waiting', 'running', 'paused', 'done']);

export const BatchSummary = z.object({
  id: BatchId,
  name: z.string(),
  origin: z.enum(['file', 'matrix']),
  model: ModelIdSchema,
  createdAt: z.number().int(),
  state: BatchState,
  paused: z.boolean(),
  total: z.number().int(),
  waiting: z.number().int(),
  completed: z.number().int(),
  failed: z.number().int(),
  canceled: z.number().int(),
  images: z.number().int(),
  /** Booked in the ledger: Segmind's charges, or the estimate where it named none. */
  spentUsd: z.number(),
  /** Spent, plus the estimates of what is on its way and still to send. */
  expectedUsd: z.number(),
  /** When the last of it should be done, from the account's rate limit and learned durations. */
  finishesAt: z.number().int().nullable(),
  collectionId: CollectionId.nullable(),
  axes: z.array(AxisInfo),
});
export type BatchSummary = z.infer<typeof BatchSummary>;

export const BatchCell = z.object({
  item: z.number().int(),
  jobId: JobId,
  state: JobState,
  /** This item's value on each of the batch's axes. */
  values: z.array(AxisValue),
  imageIds: z.array(z.string()),
  seed: z.number().int().nullable(),
  costUsd: z.number().nullable(),
});
export type BatchCell = z.infer<typeof BatchCell>;

/**
 * A matrix: the form's parameters (parsed by the model's schema, without the defaults that depend on
 * other fields: a cell's own values decide those) and the axes. Expanded by expandMatrix on both sides.
 */
function matrixRequest() {
  const options = modelIds.map((id: ModelId) =>
    z.strictObject({
      model: z.literal(id),
      params: getModel(id).schema,
      axes: z
        .array(
          z.strictObject({
            param: ParamName,
            values: z.array(AxisValue).min(1).max(matrixLimits.maxValues),
          }),
        )
        .max(matrixLimits.maxAxes),
      name: BatchName,
    }),
  );
  return z.discriminatedUnion('model', options as unknown as [(typeof options)[number]]);
}
export const MatrixInput = matrixRequest();

const ById = z.object({ id: BatchId }).strict();

export const batchesApi = {
  /** Reads a file's text (the page read the File, or os:openBatchFile did); kept in main as a draft. */
  'batches:read': defineMethod(
    z
      .object({
        name: z.string().max(255),
        text: z.string().max(batchLimits.maxFileChars, {
          error: `must be at most ${batchLimits.maxFileChars / 1024 / 1024} MB of text`,
        }),
        model: ModelIdSchema,
      })
      .strict(),
    DraftInfo,
  ),
  /** Validates every row of the draft against the model's schema with this mapping. */
  'batches:check': defineMethod(FileChoice, CheckResult),
  /** Fixes one cell of the draft in place; the next check sees it. */
  'batches:editCell': defineMethod(
    z
      .object({
        draftId: DraftId,
        row: z.number().int().min(2),
        column: z.number().int().min(0).max(batchLimits.maxColumns),
        value: CellText,
      })
      .strict(),
    z.object({ ok: z.literal(true) }),
  ),
  /** Queues the draft's valid rows; rows with errors are skipped only when `skipInvalid` says so. */
  'batches:startFile': defineMethod(
    FileChoice.extend({ name: BatchName, skipInvalid: z.boolean() }).strict(),
    BatchSummary,
  ),
  'batches:startMatrix': defineMethod(MatrixInput, BatchSummary),
  'batches:list': defineMethod(z.object({}).strict(), z.array(BatchSummary)),
  'batches:get': defineMethod(ById, BatchSummary),
  'batches:pause': defineMethod(ById, BatchSummary),
  'batches:resume': defineMethod(ById, BatchSummary),
  /** Cancels what is not sent yet; jobs already sent finish (they are paid for). */
  'batches:cancelRest': defineMethod(ById, BatchSummary),
  /** Forgets a finished batch; its images stay in the library and in its collection. */
  'batches:remove': defineMethod(ById, z.object({ id: BatchId })),
  'batches:cells': defineMethod(
    z
      .object({
        id: BatchId,
        offset: z.number().int().min(0).default(0),
        limit: z.number().int().min(1).max(batchLimits.maxCellsPage).default(batchLimits.maxCellsPage),
      })
      .strict(),
    z.object({ cells: z.array(BatchCell), total: z.number().int() }),
  ),
  /** The batch as CSV: a column per parameter, then file name, seed, cost and text check. */
  'batches:exportCsv': defineMethod(ById, z.object({ fileName: z.string(), text: z.string() })),
};

export const batchesEvents = {
  'batches:changed': BatchSummary,
};
