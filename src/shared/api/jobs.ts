import { z } from 'zod';
import {
  getModel,
  imageCountParamOf,
  ModelIdSchema,
  modelIds,
  paramsSchemaOf,
  type ModelId,
  type ModelParams,
} from '../models/index.ts';
import { defineMethod } from '../rpc.ts';

/**
 * queued -> submitting -> submitted (remote QUEUED / PROCESSING) -> downloading -> completed, or one of
 * the other end states. `interrupted` means the app lost track of a request that may have reached
 * Segmind (and may be charged); it is only ever sent again when the user says so.
 */
export const jobStates = [
  'queued',
  'submitting',
  'submitted',
  'downloading',
  'completed',
  'failed',
  'canceled',
  'expired',
  'interrupted',
] as const;
export const JobState = z.enum(jobStates);
export type JobState = z.infer<typeof JobState>;

export const activeJobStates = [
  'queued',
  'submitting',
  'submitted',
  'downloading',
] as const satisfies JobState[];
export const finishedJobStates = [
  'completed',
  'failed',
  'canceled',
  'expired',
  'interrupted',
] as const satisfies JobState[];

export function isActiveJobState(state: JobState): boolean {
  return (activeJobStates as readonly JobState[]).includes(state);
}

export const RemoteStatus = z.enum(['QUEUED', 'PROCESSING']);
export type RemoteStatus = z.infer<typeof RemoteStatus>;

/** Why a job stopped; the page picks icons and wording from the kind, and shows `action` as the way out. */
export const JobErrorKind = z.enum([
  'bad_request',
  'unauthorized',
  'forbidden',
  'insufficient_credits',
  'failed',
  'rate_limited',
  'server',
  'network',
  'timeout',
  'bad_response',
  'not_found',
  'expired',
  'interrupted',
  'invalid_output',
  'storage',
  'too_large',
]);
export type JobErrorKind = z.infer<typeof JobErrorKind>;

export const JobError = z.object({
  kind: JobErrorKind,
  message: z.string(),
  /** What the user can do about it, in one sentence. */
  action: z.string(),
});
export type JobError = z.infer<typeof JobError>;

export const JobId = z.string().min(1).max(64);

export const Job = z.object({
  id: JobId,
  model: ModelIdSchema,
  params: z.record(z.string(), z.unknown()),
  prompt: z.string(),
  state: JobState,
  remoteStatus: RemoteStatus.nullable(),
  requestId: z.string().nullable(),
  createdAt: z.number().int(),
  submittedAt: z.number().int().nullable(),
  finishedAt: z.number().int().nullable(),
  updatedAt: z.number().int(),
  /** Time since creation (or submission, once submitted) when this snapshot was taken. */
  elapsedMs: z.number().int(),
  /** How long Segmind should take from submission, learned from past jobs of the same kind. */
  expectedMs: z.number().int().nullable(),
  /** Times the request was sent to Segmind. */
  attempts: z.number().int(),
  error: JobError.nullable(),
  imageIds: z.array(z.string()),
  creditsSpent: z.number().nullable(),
  /** The job a variation was made from, when there is one. */
  parentId: JobId.nullable(),
  /** Jobs made together (variations share one; a single job is a batch of its own). */
  batchId: JobId,
  /** Its batch is paused: it keeps its place in the queue but is not sent. */
  held: z.boolean(),
});
export type Job = z.infer<typeof Job>;

export const PauseReason = z.enum([
  'offline',
  'no_key',
  'unauthorized',
  'forbidden',
  'out_of_credits',
  'rate_limited',
  /** The data folder cannot be written (full, read-only, no permission): nothing new is sent or stored. */
  'disk_full',
  /** A daily or monthly cap in Settings: new jobs wait; jobs already sent are still polled and fetched. */
  'budget',
  /** The user paused the whole queue: nothing new is sent until they resume; jobs already sent finish. */
  'user',
]);
export type PauseReason = z.infer<typeof PauseReason>;

export const JobProgress = z.object({
  active: z.number().int(),
  done: z.number().int(),
  /** 0..1 over the jobs of the current run of work, for a taskbar bar. */
  fraction: z.number().min(0).max(1),
});
export type JobProgress = z.infer<typeof JobProgress>;

export const QueueStatus = z.object({
  state: z.enum(['running', 'paused']),
  reason: PauseReason.nullable(),
  message: z.string(),
  /** When a timed pause (rate limit, offline probe) ends by itself. */
  resumeAt: z.number().int().nullable(),
  counts: z.record(JobState, z.number().int()),
  maxInFlight: z.number().int(),
  progress: JobProgress,
});
export type QueueStatus = z.infer<typeof QueueStatus>;

export const jobLimits = {
  minVariations: 2,
  maxVariations: 8,
  maxListLimit: 1000,
  minInFlight: 1,
  maxInFlight: 32,
} as const;

/**
 * A request for one model: its parameters are parsed here, at the contract, by that model's own schema
 * (defaults filled in), so the engine and the client take them as valid and never parse again.
 */
function modelRequest<E extends z.ZodRawShape>(extra: (model: ModelId) => E) {
  const options = modelIds.map((id) =>
    z.strictObject({ model: z.literal(id), params: paramsSchemaOf(id), ...extra(id) }),
  );
  return z.discriminatedUnion(
    'model',
    options as unknown as [(typeof options)[number]],
  ) as unknown as z.ZodType<
    { model: ModelId; params: ModelParams } & Fields<E, 'out'>,
    { model: ModelId; params: Record<string, unknown> } & Fields<E, 'in'>
  >;
}

/** The extra fields' own types; an empty shape adds nothing (zod's would be Record<string, never>). */
type Fields<E extends z.ZodRawShape, D extends 'in' | 'out'> = keyof E extends never
  ? unknown
  : D extends 'in'
    ? z.input<z.ZodObject<E>>
    : z.output<z.ZodObject<E>>;

export const untilRightLimits = { minRetries: 1, maxRetries: 5, defaultRetries: 2 } as const;

/**
 * "Until it's right": if the text check finds the job's quoted text wrong, up to `retries` more jobs
 * are queued, each with a new seed, until one image reads right (src/main/text-check/until-right.ts).
 */
export const UntilRightOption = z
  .object({
    retries: z.number().int().min(untilRightLimits.minRetries).max(untilRightLimits.maxRetries),
  })
  .strict();
export type UntilRightOption = z.infer<typeof UntilRightOption>;

export const CreateJobInput = modelRequest(() => ({ untilRight: UntilRightOption.optional() }));

export const VariationsInput = modelRequest((model) => {
  const imageCount = imageCountParamOf(getModel(model));
  return {
    count: z.number().int().min(jobLimits.minVariations).max(jobLimits.maxVariations),
    parentId: JobId.optional(),
    /**
     * Images each variation makes, for a model whose requests can make several (bounded by that
     * parameter's own schema). Left out, it is one: a variation of a 4-image job is one image.
     */
    imagesEach: (
      imageCount?.schema ?? z.never({ error: 'this model makes one image per request' })
    ).optional() as z.ZodOptional<z.ZodNumber>,
  };
});

const ById = z.object({ id: JobId }).strict();

export const CancelResult = z.object({
  job: Job,
  /** Segmind may already have taken the request: it can still be charged even though the app drops it. */
  mayBeCharged: z.boolean(),
});

export const jobsApi = {
  'jobs:create': defineMethod(CreateJobInput, Job),
  'jobs:list': defineMethod(
    z
      .object({
        states: z.array(JobState).min(1).optional(),
        limit: z.number().int().min(1).max(jobLimits.maxListLimit).default(200),
        /** Leave out jobs of batches (the page shows those on the batch's own card). */
        excludeBatches: z.boolean().optional(),
      })
      .strict(),
    z.array(Job),
  ),
  'jobs:cancel': defineMethod(ById, CancelResult),
  'jobs:retry': defineMethod(ById, Job),
  'jobs:remove': defineMethod(ById, z.object({ id: JobId })),
  'jobs:variations': defineMethod(VariationsInput, z.array(Job)),
  'queue:status': defineMethod(z.object({}).strict(), QueueStatus),
  'queue:resume': defineMethod(z.object({}).strict(), QueueStatus),
  /** Pauses the whole queue until Resume; jobs already sent finish. */
  'queue:pause': defineMethod(z.object({}).strict(), QueueStatus),
  /** Waiting jobs in the order they will be sent, held ones (a paused batch's) included. */
  'queue:waiting': defineMethod(
    z
      .object({
        limit: z.number().int().min(1).max(jobLimits.maxListLimit).default(100),
        offset: z.number().int().min(0).default(0),
      })
      .strict(),
    z.object({ jobs: z.array(Job), total: z.number().int() }),
  ),
  /** Moves a waiting job to the front or back, or next to another waiting job (a drag). */
  'queue:move': defineMethod(
    z.union([
      z.object({ id: JobId, to: z.enum(['front', 'back']) }).strict(),
      z.object({ id: JobId, before: JobId }).strict(),
      z.object({ id: JobId, after: JobId }).strict(),
    ]),
    z.object({ ok: z.literal(true) }),
  ),
};

export const BatchFinished = z.object({
  batchId: JobId,
  jobIds: z.array(JobId),
  completed: z.number().int(),
  failed: z.number().int(),
  imageIds: z.array(z.string()),
  /** No other work is waiting: the moment for a "all done" notification. */
  queueIdle: z.boolean(),
  /** One line for a notification. */
  message: z.string(),
});
export type BatchFinished = z.infer<typeof BatchFinished>;

export const jobsEvents = {
  'jobs:changed': Job,
  'queue:status': QueueStatus,
  'jobs:batchFinished': BatchFinished,
};
