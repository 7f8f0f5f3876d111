import { z } from 'zod';
import { defineMethod } from '../rpc.ts';
import { ImageId } from './library.ts';
import { JobId } from './jobs.ts';

/**
 * Where a chain of "until it's right" attempts stands. `running`: an attempt is on its way or being
 * checked. The others are final: `passed` (an image reads right), `exhausted` (every retry read
 * wrong), `budget` (a budget refused the next retry), `unchecked` (the check could not run, and a
 * retry on a guess would spend for nothing), `stopped` (an attempt failed, was canceled or removed).
 */
export const UntilRightState = z.enum(['running', 'passed', 'exhausted', 'budget', 'unchecked', 'stopped']);
export type UntilRightState = z.infer<typeof UntilRightState>;

export const UntilRightChain = z.object({
  /** The first job's id. */
  id: JobId,
  /** Retries the user allowed: the chain makes at most retries + 1 attempts. */
  retries: z.number().int(),
  /** Every attempt's job, first to last (a job removed from the queue keeps its place here). */
  jobIds: z.array(JobId),
  state: UntilRightState,
  /** The image whose text reads right, once one does; the chain points to it. */
  passingImageId: ImageId.nullable(),
  passingJobId: JobId.nullable(),
  /** Why it stopped, in words (a budget's message, the check's error). */
  message: z.string().nullable(),
});
export type UntilRightChain = z.infer<typeof UntilRightChain>;

export const untilRightApi = {
  /** The chains these jobs belong to, each once (the queue's rows, an image's job in the detail view). */
  'untilRight:list': defineMethod(
    z.object({ jobIds: z.array(JobId).min(1).max(500) }).strict(),
    z.array(UntilRightChain),
  ),
};

export const untilRightEvents = {
  'untilRight:changed': UntilRightChain,
};
