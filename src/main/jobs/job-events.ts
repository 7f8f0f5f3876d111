import type { BatchFinished, Job, JobProgress, QueueStatus } from '../../shared/api/jobs.ts';
import { activeJobStates, isActiveJobState, jobsEvents } from '../../shared/api/jobs.ts';
import type { z } from 'zod';
import { jobFromRow, type JobStore } from './job-store.ts';
import type { SharedTimer } from './shared-timer.ts';

export type JobsEventName = keyof typeof jobsEvents;
export type JobsEventPayload<E extends JobsEventName> = z.output<(typeof jobsEvents)[E]>;
export type EmitJobsEvent = <E extends JobsEventName>(event: E, payload: JobsEventPayload<E>) => void;

export interface JobEvents {
  /** A job's row changed; `urgent` skips the throttle (a job reached an end state). */
  changed(id: string, urgent?: boolean): void;
  /** Queue status may have changed (pause, resume, counts). */
  statusChanged(): void;
  /** Call after a job reached an end state: tells the page when its whole batch is done. */
  finished(batchId: string): void;
  flush(): void;
}

const FLUSH_KEY = 'events:flush';

/**
 * Coalesces job updates: a hundred polls a second become at most one `jobs:changed` per job per
 * `throttleMs`, each carrying the row as it is at flush time, and one `queue:status` when it changed.
 */
export function createJobEvents(options: {
  store: JobStore;
  timer: SharedTimer;
  now: () => number;
  emit: EmitJobsEvent;
  status: () => QueueStatus;
  throttleMs?: number;
}): JobEvents {
  const { store, timer, now, emit } = options;
  const throttleMs = options.throttleMs ?? 250;
  const dirty = new Set<string>();
  let statusDirty = false;
  let lastStatus = '';

  function flush(): void {
    timer.cancel(FLUSH_KEY);
    const t = now();
    for (const id of dirty) {
      const row = store.get(id);
      if (row) emit('jobs:changed', jobFromRow(row, t));
    }
    dirty.clear();
    if (statusDirty) {
      statusDirty = false;
      const status = options.status();
      const signature = JSON.stringify({ ...status, progress: undefined });
      if (signature !== lastStatus) {
        lastStatus = signature;
        emit('queue:status', status);
      }
    }
  }

  function arm(): void {
    if (!timer.has(FLUSH_KEY)) timer.at(FLUSH_KEY, now() + throttleMs, flush);
  }

  return {
    changed(id, urgent = false) {
      dirty.add(id);
      statusDirty = true;
      if (urgent) flush();
      else arm();
    },
    statusChanged() {
      statusDirty = true;
      arm();
    },
    finished(batchId) {
      // Asked at every job's end: only the last one of a batch reads the batch.
      if (store.batchActive(batchId)) return;
      const rows = store.inBatch(batchId);
      if (rows.length === 0 || rows.some((row) => isActiveJobState(row.state))) return;
      const completed = rows.filter((row) => row.state === 'completed').length;
      const failed = rows.filter((row) => row.state !== 'completed' && row.state !== 'canceled').length;
      const imageIds = rows.flatMap((row) => jobFromRow(row, now()).imageIds);
      const payload: BatchFinished = {
        batchId,
        jobIds: rows.map((row) => row.id),
        completed,
        failed,
        imageIds,
        queueIdle: !store.anyInStates(activeJobStates),
        message: batchMessage(rows[0]?.prompt ?? '', imageIds.length, failed),
      };
      flush();
      emit('jobs:batchFinished', payload);
    },
    flush,
  };
}

function batchMessage(prompt: string, images: number, failed: number): string {
  const short = prompt.length > 60 ? `${prompt.slice(0, 57)}...` : prompt;
  const ready = `${images} ${images === 1 ? 'image' : 'images'} ready`;
  return failed > 0 ? `${ready}, ${failed} failed: "${short}"` : `${ready}: "${short}"`;
}

/**
 * Progress of the current run of work for a taskbar bar: finished jobs count whole, running ones by
 * their elapsed share of the expected time (capped, so a late job never shows as done), waiting ones
 * (only counted: they have no progress to read) as nothing yet.
 */
export function progressOf(running: Job[], done: number, waiting = 0): JobProgress {
  let partial = 0;
  for (const job of running) {
    if (job.state === 'downloading') partial += 0.95;
    else if (job.state === 'submitted' && job.expectedMs)
      partial += 0.9 * Math.min(1, job.elapsedMs / job.expectedMs);
  }
  const active = running.length + waiting;
  const total = active + done;
  return { active, done, fraction: total === 0 ? 0 : Math.min(1, (done + partial) / total) };
}
