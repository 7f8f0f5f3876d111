import { create } from 'zustand';
import type { RecoveryStatus } from '../../../../shared/api/recovery.ts';
import { call, on } from '../../bridge/api.ts';
import { messageOf } from '../../lib/errors.ts';

export type RecoveryChoice = 'restore' | 'start_fresh' | 'retry' | 'quit';

interface RecoveryState {
  status: RecoveryStatus | null;
  /** The host could not be asked at all (browser mode with the host stopped). */
  loadError: string | null;
  /** The action running now, so its button shows it and the others wait. */
  busy: RecoveryChoice | null;
  /** Why the last action failed (a backup that is damaged too, a folder that will not move). */
  actionError: string | null;
  quit: boolean;
  dismissed: string[];
  load(): Promise<void>;
  restore(backup: string): Promise<void>;
  startFresh(): Promise<void>;
  retry(): Promise<void>;
  quitApp(): Promise<void>;
  dismiss(id: string): void;
}

export const useRecovery = create<RecoveryState>()((set, get) => {
  async function act(choice: RecoveryChoice, run: () => Promise<RecoveryStatus | null>): Promise<void> {
    if (get().busy) return;
    set({ busy: choice, actionError: null });
    try {
      const status = await run();
      if (status) set({ status });
    } catch (error) {
      set({ actionError: messageOf(error) });
    } finally {
      set({ busy: null });
    }
  }
  return {
    status: null,
    loadError: null,
    busy: null,
    actionError: null,
    quit: false,
    dismissed: [],
    async load() {
      try {
        set({ status: await call('recovery:status'), loadError: null });
      } catch (error) {
        set({ loadError: messageOf(error) });
      }
    },
    restore: (backup) => act('restore', () => call('recovery:restoreBackup', { backup })),
    startFresh: () => act('start_fresh', () => call('recovery:startFresh')),
    retry: () => act('retry', () => call('recovery:retry')),
    quitApp: () =>
      act('quit', async () => {
        await call('recovery:quit');
        set({ quit: true });
        return null;
      }),
    dismiss: (id) => set({ dismissed: [...get().dismissed, id] }),
  };
});

export function subscribeRecovery(): () => void {
  return on('recovery:changed', (status) => useRecovery.setState({ status }));
}
