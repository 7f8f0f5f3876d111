import { describe, expect, it } from 'vitest';
import type { BatchSummary } from '../../shared/api/batches.ts';
import { createFeedbackPlan } from './desktop-feedback-plan.ts';

const batch = (state: BatchSummary['state'], over: Partial<BatchSummary> = {}): BatchSummary => ({
  id: 'batch-00000000-0000-0000-0000-00000000000a',
  name: 'Campaign',
  origin: 'file',
  model: 'ideogram-3',
  createdAt: 1,
  state,
  paused: false,
  total: 40,
  waiting: 0,
  completed: 38,
  failed: 2,
  canceled: 0,
  images: 38,
  spentUsd: 1.425,
  expectedUsd: 1.5,
  finishesAt: null,
  collectionId: 1,
  axes: [],
  ...over,
});

describe('what the desktop shows', () => {
  it('one notification when a batch it saw running ends, none per image, and the bar follows the queue', () => {
    let progress = { active: 3, done: 37, fraction: 0.9 };
    const plan = createFeedbackPlan(() => progress);
    expect(plan.step('jobs:changed', {})).toEqual({ progress: 0.9 });
    expect(plan.step('batches:changed', batch('running', { completed: 37 }))).toEqual({ progress: 0.9 });
    // Each job's end inside the batch says nothing of its own.
    const jobEnd = {
      batchId: batch('running').id,
      jobIds: [],
      completed: 1,
      failed: 0,
      imageIds: [],
      queueIdle: false,
      message: 'x',
    };
    expect(plan.step('jobs:batchFinished', jobEnd)).toEqual({});
    progress = { active: 0, done: 40, fraction: 1 };
    expect(plan.step('batches:changed', batch('done'))).toEqual({
      progress: -1,
      notification: { title: 'Batch "Campaign" is done', body: '38 images, 2 failed, $1.43 spent.' },
    });
    // Told once: the same summary again (a reload, another window) is no news.
    expect(plan.step('batches:changed', batch('done')).notification).toBeUndefined();
    // A batch first seen done (finished in an earlier run) is not announced.
    expect(
      plan.step('batches:changed', batch('done', { id: 'batch-00000000-0000-0000-0000-00000000000b' }))
        .notification,
    ).toBeUndefined();
  });

  it('work outside batches is announced once the queue is idle', () => {
    const plan = createFeedbackPlan(() => ({ active: 0, done: 2, fraction: 1 }));
    const lone = {
      batchId: 'a1b2',
      jobIds: ['a1b2'],
      completed: 1,
      failed: 0,
      imageIds: ['i'],
      queueIdle: false,
      message: '1 image ready',
    };
    expect(plan.step('jobs:batchFinished', lone)).toEqual({});
    expect(plan.step('jobs:batchFinished', { ...lone, queueIdle: true })).toEqual({
      progress: -1,
      notification: { title: 'Ideogram Studio', body: '1 image ready' },
    });
  });
});
