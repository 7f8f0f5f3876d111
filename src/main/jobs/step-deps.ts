import type { JobError, JobState } from '../../shared/api/jobs.ts';
import type { Logger } from '../logging/logger.ts';
import type { JobEvents } from './job-events.ts';
import type { JobStore } from './job-store.ts';
import type { QueueGate } from './queue-gate.ts';
import type { RetryBook } from './retry-book.ts';

/** The collaborators every step of the queue uses (submit, poll, download, failure): none shares state. */
export interface StepDeps {
  store: JobStore;
  now: () => number;
  random: () => number;
  gate: QueueGate;
  events: JobEvents;
  book: RetryBook;
  logger: Logger;
  /** The data folder, named in messages about a full or read-only disk. */
  dataDir: string;
  isStopped: () => boolean;
}

/** Moves a job to an end state if it is still in one of `from`; true when it did. */
export type Finish = (
  id: string,
  from: readonly JobState[],
  state: JobState,
  error: JobError | null,
) => boolean;
