import { create } from 'zustand';
import { isActiveJobState, type Job, type QueueStatus } from '../../../../shared/api/jobs.ts';
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
  load(): Promise<void>;
  apply(job: Job): void;
  cancel(id: string): Promise<void>;
  retry(id: string): Promise<void>;
  remove(id: string): Promise<void>;
  clearFinished(): Promise<void>;
  resume(): Promise<void>;
}

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
    async load() {
      try {
        const [list, status] = await Promise.all([
          call('jobs:list', { limit: 200 }),
          call('queue:status', {}),
        ]);
        const now = Date.now();
        const jobs: Record<string, JobView> = {};
        for (const job of list) jobs[job.id] = { job, receivedAt: now };
        set({ jobs, order: sortOrder(jobs), status, loaded: true, loadError: null });
      } catch (error) {
        set({ loaded: true, loadError: messageOf(error) });
      }
    },
    apply(job) {
      const jobs = { ...get().jobs, [job.id]: { job, receivedAt: Date.now() } };
      set({ jobs, order: get().jobs[job.id] ? get().order : sortOrder(jobs) });
    },
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

export function subscribeQueue(onImages: () => void): () => void {
  const offJob = on('jobs:changed', (job) => {
    const before = useQueue.getState().jobs[job.id]?.job;
    useQueue.getState().apply(job);
    // A job's new images are in the library once it completes, whether or not the library says so.
    if (job.imageIds.length > (before?.imageIds.length ?? 0)) onImages();
  });
  const offStatus = on('queue:status', (status) => useQueue.setState({ status }));
  return () => {
    offJob();
    offStatus();
  };
}
