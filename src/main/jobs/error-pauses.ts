import type { JobErrorKind, PauseReason } from '../../shared/api/jobs.ts';
import { AppError } from '../../shared/rpc.ts';
import { SegmindError, type SegmindErrorKind } from '../segmind/index.ts';
import { pauseRules } from './pause-rules.ts';
import type { QueueGate } from './queue-gate.ts';
import { storageMessage, storageProblemOf, type StorageProblem } from './storage-errors.ts';

/** What a failed step does to the queue and to its job. */
export interface Remedy {
  /**
   * The pause the queue takes. `offline` is the gate's own call (three failures in a row with no
   * answer between); the others start at once.
   */
  pause: PauseReason | null;
  /** A queued job refused at submit: `wait` puts it back uncounted, `budget` counts, `fail` ends it. */
  submit: 'wait' | 'budget' | 'fail';
  /**
   * A submitted job's poll or download: `hour` retries with backoff as long as Segmind keeps the
   * result (the money is spent; only the hour may end it), `budget` a few times, `fail` ends it now.
   */
  remote: 'hour' | 'budget' | 'fail';
  /** The kind the job ends with when it ends over this. */
  kind: JobErrorKind;
}

const remedy = (
  pause: PauseReason | null,
  submit: Remedy['submit'],
  remote: Remedy['remote'],
  kind: JobErrorKind,
): Remedy => ({ pause, submit, remote, kind });

/** The one table from errors to pauses and retries. */
export const remedies: Record<SegmindErrorKind, Remedy> = {
  rate_limited: remedy('rate_limited', 'wait', 'hour', 'rate_limited'),
  server: remedy(null, 'budget', 'hour', 'server'),
  network: remedy('offline', 'wait', 'hour', 'network'),
  timeout: remedy('offline', 'wait', 'hour', 'timeout'),
  unauthorized: remedy('unauthorized', 'wait', 'hour', 'unauthorized'),
  forbidden: remedy('forbidden', 'wait', 'budget', 'forbidden'),
  insufficient_credits: remedy('out_of_credits', 'wait', 'budget', 'insufficient_credits'),
  not_found: remedy(null, 'fail', 'budget', 'not_found'),
  bad_response: remedy(null, 'fail', 'budget', 'bad_response'),
  failed: remedy(null, 'fail', 'fail', 'failed'),
  bad_request: remedy(null, 'fail', 'fail', 'bad_request'),
  too_large: remedy(null, 'fail', 'fail', 'too_large'),
  // stop() and cancel abort on purpose: the caller has already decided what becomes of the job.
  aborted: remedy(null, 'wait', 'hour', 'network'),
};
/** A write to the data folder failed: nothing paid for is dropped, everything waits for the disk. */
const storageRemedy = remedy('disk_full', 'wait', 'hour', 'storage');
const tooLargeFile = remedy(null, 'fail', 'fail', 'too_large');
/** An image the library refuses (damaged, not an image): what Segmind sent is at fault, not the disk. */
const unusableImage = remedy(null, 'fail', 'budget', 'invalid_output');

export type Stage = 'submit' | 'status' | 'result' | 'download' | 'store';

export interface Diagnosis {
  remedy: Remedy;
  storage: StorageProblem | null;
}

export function diagnose(error: unknown, stage: Stage): Diagnosis {
  if (error instanceof SegmindError) return { remedy: remedies[error.kind], storage: null };
  const storage = storageProblemOf(error);
  if (storage) return { remedy: storageRemedy, storage };
  if (error instanceof AppError && error.code === 'too_large') return { remedy: tooLargeFile, storage: null };
  // Ended as 'storage' (whose advice is to free some space) it sent the user to their disk.
  if (error instanceof AppError && error.code === 'unsupported_file') {
    return { remedy: unusableImage, storage: null };
  }
  // A failure the error table does not know (a bug): a few more tries, then an end.
  return {
    remedy: remedy(null, 'fail', 'budget', stage === 'store' ? 'storage' : 'invalid_output'),
    storage: null,
  };
}

/**
 * Tells the gate what a failure says about Segmind, the network and the disk: any HTTP answer proves
 * the network is up; no answer counts toward offline; the table's pause starts.
 */
export function tellGate(gate: QueueGate, error: unknown, diagnosis: Diagnosis, dataDir: string): void {
  const segmind = error instanceof SegmindError ? error : null;
  if (segmind && segmind.kind !== 'aborted') {
    if (segmind.httpStatus !== undefined) gate.answered();
    else if (segmind.kind === 'network' || segmind.kind === 'timeout') gate.networkFailed();
  }
  const reason = diagnosis.remedy.pause;
  if (reason === null || reason === 'offline') return;
  if (reason === 'rate_limited') return gate.rateLimited(segmind?.retryAfterMs);
  if (reason === 'disk_full') return gate.storageFailed(storageMessage(diagnosis.storage ?? 'io', dataDir));
  let message = pauseRules[reason].message;
  // The refusal's own x-remaining-credits is fresher than the last success's.
  const credits = segmind?.usage?.remainingCredits ?? gate.remainingCredits();
  if (reason === 'out_of_credits' && credits !== null) {
    message = `The Segmind account is out of credits (balance ${credits}). Top up, then resume the queue.`;
  }
  if (reason === 'forbidden' && segmind?.serverMessage) message += ` Segmind said: ${segmind.serverMessage}`;
  gate.pause(reason, message);
}
