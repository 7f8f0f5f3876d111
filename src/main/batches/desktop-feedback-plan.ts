import { isBatchId, type BatchSummary } from '../../shared/api/batches.ts';
import type { BatchFinished, JobProgress } from '../../shared/api/jobs.ts';
import { formatUsd } from '../../shared/pricing.ts';

export interface FeedbackStep {
  /** The taskbar bar, 0..1, or -1 to hide it; undefined leaves it as it is. */
  progress?: number;
  notification?: { title: string; body: string };
}

/**
 * What the desktop shows for each event, decided in plain Node so it is tested without Electron
 * (electron/desktop-feedback.ts only applies it): the queue's progress in the taskbar, one
 * notification when a batch ends, and for work outside batches one when the queue has nothing left,
 * never one per image.
 */
/** `progress` answers null while no engine runs (the recovery screen is up): the bar is hidden then. */
export function createFeedbackPlan(progress: () => JobProgress | null) {
  /** Batches seen unfinished in this run: only their end is news (a batch done last week is not). */
  const open = new Set<string>();

  function bar(): number {
    const now = progress();
    return now && now.active > 0 ? now.fraction : -1;
  }

  function batchDone(batch: BatchSummary): FeedbackStep['notification'] {
    const parts = [`${batch.images} image${batch.images === 1 ? '' : 's'}`];
    if (batch.failed > 0) parts.push(`${batch.failed} failed`);
    if (batch.canceled > 0) parts.push(`${batch.canceled} canceled`);
    parts.push(`${formatUsd(batch.spentUsd)} spent`);
    return { title: `Batch "${batch.name}" is done`, body: `${parts.join(', ')}.` };
  }

  return {
    step(event: string, payload: unknown): FeedbackStep {
      if (event === 'jobs:changed' || event === 'queue:status') return { progress: bar() };
      if (event === 'batches:changed') {
        const batch = payload as BatchSummary;
        if (batch.state !== 'done') {
          open.add(batch.id);
          return { progress: bar() };
        }
        if (!open.delete(batch.id)) return { progress: bar() };
        return { progress: bar(), notification: batchDone(batch) };
      }
      if (event === 'jobs:batchFinished') {
        const finished = payload as BatchFinished;
        // A batch says so itself (above); other work says so once the queue is idle.
        if (isBatchId(finished.batchId) || !finished.queueIdle) return {};
        return { progress: bar(), notification: { title: 'Ideogram Studio', body: finished.message } };
      }
      return {};
    },
  };
}
