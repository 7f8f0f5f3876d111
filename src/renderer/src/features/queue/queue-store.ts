import { create } from 'zustand';
import { isBatchId } from '../../../../shared/api/batches.ts';
import { isActiveJobState, jobStates, type Job, type QueueStatus } from '../../../../shared/api/jobs.ts';
import { call, on } from '../../bridge/api.ts';
import { messageOf } from '../../lib/errors.ts';

/** A job plus when the page received it, so elapsed time keeps running between snapshots. */
export interface JobView {
  job: Job;
  receivedAt: number;
}

interface QueueState {
  jobs: Record<string, JobView>;
  order: string[];
  status: QueueStatus | null;
  loaded: boolean;
  loadError: string | null;
  /** Per job: the last action that failed, or a warning (e.g. a cancel that may still be charged). */
  notes: Record<string, string>;
  /** The first waiting jobs in the order they will be sent (batches' included), and how many wait. */
  waiting: Job[];
  waitingTotal: number;
  load(): Promise<void>;
  loadWaiting(): Promise<void>;
  pause(): Promise<void>;
  move(id: string, where: { to: 'front' | 'back' } | { before: string } | { after: string }): Promise<void>;
  apply(job: Job): void;
  cancel(id: string): Promise<void>;
  retry(id: string): Promise<void>;
  remove(id: string): Promise<void>;
  clearFinished(): Promise<void>;
  resume(): Promise<void>;
}

/** Waiting jobs shown at once; the rest are counted. */
export const WAITING_SHOWN = 50;

/** The list below shows jobs under way and done; waiting ones and batches' jobs have views of their own. */
const listedStates = jobStates.filter((state) => state !== 'queued');
const listed = (job: Job) => job.state !== 'queued' && !isBatchId(job.batchId);

function sortOrder(jobs: Record<string, JobView>): string[] {
  return Object.values(jobs)
    .sort((a, b) => b.job.createdAt - a.job.createdAt || (a.job.id < b.job.id ? 1 : -1))
    .map((view) => view.job.id);
}

export const useQueue = create<QueueState>()((set, get) => {
  async function act(id: string, action: () => Promise<unknown>): Promise<void> {
    try {
      await action();
      const notes = { ...get().notes };
      delete notes[id];
      set({ notes });
    } catch (error) {
      set({ notes: { ...get().notes, [id]: messageOf(error) } });
    }
  }
  return {
    jobs: {},
    order: [],
    status: null,
    loaded: false,
    loadError: null,
    notes: {},
    waiting: [],
    waitingTotal: 0,
    async load() {
      try {
        const [list, status] = await Promise.all([
          call('jobs:list', { limit: 200, states: listedStates, excludeBatches: true }),
          call('queue:status', {}),
        ]);
        void get().loadWaiting();
        const now = Date.now();
        const jobs: Record<string, JobView> = {};
        for (const job of list) jobs[job.id] = { job, receivedAt: now };
        set({ jobs, order: sortOrder(jobs), status, loaded: true, loadError: null });
      } catch (error) {
        set({ loaded: true, loadError: messageOf(error) });
      }
    },
    apply(job) {
      if (!listed(job)) return;
      const jobs = { ...get().jobs, [job.id]: { job, receivedAt: Date.now() } };
      set({ jobs, order: get().jobs[job.id] ? get().order : sortOrder(jobs) });
    },
    async loadWaiting() {
      try {
        const page = await call('queue:waiting', { limit: WAITING_SHOWN, offset: 0 });
        set({ waiting: page.jobs, waitingTotal: page.total });
      } catch (error) {
        set({ loadError: messageOf(error) });
      }
    },
    async pause() {
      try {
        set({ status: await call('queue:pause', {}) });
      } catch (error) {
        set({ loadError: messageOf(error) });
      }
    },
    move: (id, where) =>
      act(id, async () => {
        await call('queue:move', { id, ...where });
        await get().loadWaiting();
      }),
    cancel: (id) =>
      act(id, async () => {
        const result = await call('jobs:cancel', { id });
        get().apply(result.job);
        if (result.mayBeCharged) {
          throw new Error('Canceled. Segmind had already received the request, so it may still be charged.');
        }
      }),
    retry: (id) => act(id, async () => get().apply(await call('jobs:retry', { id }))),
    remove: (id) =>
      act(id, async () => {
        await call('jobs:remove', { id });
        const jobs = { ...get().jobs };
        delete jobs[id];
        set({ jobs, order: get().order.filter((other) => other !== id) });
      }),
    async clearFinished() {
      const finished = Object.values(get().jobs).filter((view) => !isActiveJobState(view.job.state));
      for (const view of finished) await get().remove(view.job.id);
    },
    async resume() {
      try {
        set({ status: await call('queue:resume', {}) });
      } catch (error) {
        set({ loadError: messageOf(error) });
      }
    },
  };
});

let waitingTimer: ReturnType<typeof setTimeout> | null = null;
/** The waiting list is read again, at most a few times a second, when what waits may have changed. */
function waitingSoon(): void {
  waitingTimer ??= setTimeout(() => {
    waitingTimer = null;
    void useQueue.getState().loadWaiting();
  }, 300);
}

export function subscribeQueue(onImages: () => void): () => void {
  const offJob = on('jobs:changed', (job) => {
    const state = useQueue.getState();
    const before = state.jobs[job.id]?.job;
    state.apply(job);
    if (job.state === 'queued' || state.waiting.some((waiting) => waiting.id === job.id)) waitingSoon();
    // A job's new images are in the library once it completes, whether or not the library says so.
    if (job.imageIds.length > (before?.imageIds.length ?? 0)) onImages();
  });
  const offStatus = on('queue:status', (status) => {
    // Batches are queued without an event per job: the counts say the waiting list moved.
    if (status.counts.queued !== useQueue.getState().status?.counts.queued) waitingSoon();
    useQueue.setState({ status });
  });
  return () => {
    offJob();
    offStatus();
  };
}
