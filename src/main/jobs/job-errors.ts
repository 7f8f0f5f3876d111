import type { JobError, JobErrorKind } from '../../shared/api/jobs.ts';
import { SegmindError } from '../segmind/index.ts';

const actions: Record<JobErrorKind, string> = {
  bad_request: 'Change the parameters Segmind refused and create the job again.',
  unauthorized: 'Set a valid Segmind API key, then retry.',
  forbidden: 'Check that your Segmind account may use this model, then retry.',
  insufficient_credits: 'Top up your Segmind credits, then resume the queue.',
  failed: 'Change the prompt or settings (a content filter may have blocked it) and retry.',
  rate_limited: 'Wait a moment and retry.',
  server: 'Segmind kept failing; retry later.',
  network: 'Check the connection, then retry.',
  timeout: 'Segmind did not answer; retry later.',
  bad_response: 'Retry later; if it keeps happening, report the message.',
  not_found: 'Segmind no longer knows this request; create the job again.',
  expired: 'Segmind keeps results for one hour only; create the job again.',
  interrupted:
    'Segmind may have received this request and may charge for it, but its result cannot be fetched. Retry sends it again (and may be charged again).',
  invalid_output: 'Segmind sent something that is not a usable image; retry.',
  storage:
    'Free some space on the disk of the data folder (or make it writable); the queue resumes by itself.',
  too_large:
    'The result is larger than the app accepts; create the job again with fewer images or a smaller size.',
};

export function jobError(kind: JobErrorKind, message: string): JobError {
  return { kind, message, action: actions[kind] };
}

/** The text of an error as the user reads it: Segmind's own words for a failed generation. */
export function describeError(error: unknown): string {
  if (error instanceof SegmindError && error.kind === 'failed') return error.serverMessage ?? error.message;
  return error instanceof Error ? error.message : String(error);
}

/** The user-facing failure a job ends with; `kind` comes from the error table (error-pauses.ts). */
export function jobErrorFrom(error: unknown, kind: JobErrorKind): JobError {
  return jobError(kind, describeError(error));
}

/** Codes of a connection that never opened: a submit that failed this way cannot have reached Segmind. */
const notSentCodes = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'ENETDOWN',
]);

function causeCodes(error: unknown): string[] {
  const codes: string[] = [];
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current && typeof current === 'object'; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') codes.push(code);
    current = (current as { cause?: unknown }).cause;
  }
  return codes;
}

/**
 * Whether a failed submit may have been taken (and charged) by Segmind. Only an answer that says no
 * (an HTTP error other than a gateway timeout) or a connection that never opened rules it out.
 */
export function submitMayHaveReached(error: unknown): boolean {
  if (!(error instanceof SegmindError)) return true;
  // Parameters and local source images are checked before anything is sent.
  if (error.kind === 'bad_request') return false;
  if (error.kind === 'network' && causeCodes(error).some((code) => notSentCodes.has(code))) return false;
  if (error.maybeAccepted || error.kind === 'aborted') return true;
  if (error.httpStatus === 504) return true;
  return error.httpStatus === undefined;
}
