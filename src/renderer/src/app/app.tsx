import { Banner } from '../features/banner/banner.tsx';
import { BatchGridDialog } from '../features/batch/batch-grid-dialog.tsx';
import { BatchImportDialog } from '../features/batch/batch-import-dialog.tsx';
import { useBatches } from '../features/batch/batch-store.ts';
import { MatrixDialog } from '../features/batch/matrix-dialog.tsx';
import { ComposePanel } from '../features/compose/compose-panel.tsx';
import { LibraryPanel } from '../features/library/library-panel.tsx';
import { QueuePanel } from '../features/queue/queue-panel.tsx';
import { StorageBanner } from '../features/recovery/storage-banner.tsx';
import { SettingsDialog } from '../features/settings/settings-dialog.tsx';
import { useSettings } from '../features/settings/settings-store.ts';
import { BalanceBadge } from '../features/spend/balance-badge.tsx';
import { ConfirmSpendDialog } from '../features/spend/confirm-spend.tsx';
import { SpendDialog } from '../features/spend/spend-dialog.tsx';
import { useSpend } from '../features/spend/spend-store.ts';
import { useTheme } from './use-theme.ts';

export function App() {
  useTheme();
  const info = useSettings((state) => state.info);
  const setOpen = useSettings((state) => state.setOpen);
  const openSpend = useSpend((state) => state.setOpen);
  const openImport = useBatches((state) => state.openImport);
  return (
    <div className="app">
      <header className="app-header">
        <h1 className="app-title">Ideogram Studio</h1>
        {info && (
          <span className={`mode-badge mode-${info.mode}`} title={info.apiOrigin}>
            {info.mode === 'live' ? 'Live: Segmind' : 'Simulator'}
          </span>
        )}
        <span className="app-header-spacer" />
        <BalanceBadge />
        <button type="button" className="btn" onClick={() => openImport(true)}>
          Batch from file…
        </button>
        <button type="button" className="btn" onClick={() => openSpend(true)}>
          Spend
        </button>
        <button type="button" className="btn" onClick={() => setOpen(true)}>
          Settings
        </button>
      </header>
      <StorageBanner />
      <Banner />
      <main className="app-main">
        <ComposePanel />
        <LibraryPanel />
        <QueuePanel />
      </main>
      <SettingsDialog />
      <SpendDialog />
      <BatchImportDialog />
      <MatrixDialog />
      <BatchGridDialog />
      <ConfirmSpendDialog />
    </div>
  );
}
