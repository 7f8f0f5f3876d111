import { useEffect, type ReactNode } from 'react';
import { enterStudio } from '../../app/start.ts';
import { ErrorState, LoadingState } from '../../app/states.tsx';
import { useTheme } from '../../app/use-theme.ts';
import { subscribeRecovery, useRecovery } from './recovery-store.ts';
import { RecoveryView } from './recovery-view.tsx';
import './recovery.css';

/**
 * Asks main first whether the library is open. The studio (children) is only mounted, and its stores
 * only loaded, while it is; otherwise the recovery screen says what is wrong. Main can switch either
 * way at any time (a backup restored, damage found while working), and this follows it.
 */
export function RecoveryGate({ children }: { children: ReactNode }) {
  useTheme();
  const status = useRecovery((state) => state.status);
  const loadError = useRecovery((state) => state.loadError);
  const quit = useRecovery((state) => state.quit);
  const inStudio = status?.state === 'studio';

  useEffect(() => {
    const off = subscribeRecovery();
    void useRecovery.getState().load();
    return off;
  }, []);
  useEffect(() => {
    if (inStudio) enterStudio();
  }, [inStudio]);

  if (quit) {
    return (
      <main className="recovery-screen">
        <section className="recovery-card">
          <h1>Ideogram Studio has quit</h1>
          <p>You can close this tab.</p>
        </section>
      </main>
    );
  }
  if (loadError && !status) {
    return (
      <ErrorState
        title="Ideogram Studio is not answering"
        message={loadError}
        onRetry={() => void useRecovery.getState().load()}
      />
    );
  }
  if (!status) return <LoadingState>Opening your library…</LoadingState>;
  if (status.state === 'recovery') {
    return status.problem ? (
      <RecoveryView status={status} problem={status.problem} />
    ) : (
      <LoadingState>Opening your library…</LoadingState>
    );
  }
  return children;
}
