import { useEffect, useRef, useState } from 'react';
import { call } from '../../bridge/api.ts';
import { messageOf } from '../../lib/errors.ts';
import { useQueue } from '../queue/queue-store.ts';
import { useRecovery } from './recovery-store.ts';

const numbers = new Intl.NumberFormat();

/** The studio's read-only notice on a full disk, and this start's notices (settings reset, a restore). */
export function StorageBanner() {
  const status = useRecovery((state) => state.status);
  const dismissed = useRecovery((state) => state.dismissed);
  const dismiss = useRecovery((state) => state.dismiss);
  const full = status?.storage === 'full';
  // While the queue's own banner says the disk is full, one banner about it is enough.
  const queueSaysFull = useQueue(
    (state) => state.status?.state === 'paused' && state.status.reason === 'disk_full',
  );
  const wasFull = useRef(full);

  useEffect(() => {
    // Reopened for writing: the queue has started since the page last asked.
    if (wasFull.current && !full) void useQueue.getState().load();
    wasFull.current = full;
  }, [full]);

  if (!status) return null;
  return (
    <>
      {full && !queueSaysFull && <DiskFullBanner dataDir={status.dataDir} />}
      {status.notices
        .filter((notice) => !dismissed.includes(notice.id))
        .map((notice) => (
          <div
            key={notice.id}
            className={`notice storage-notice storage-notice-${notice.tone}`}
            role="status"
          >
            <span className="banner-text">{notice.message}</span>
            {notice.action === 'adopt_orphans' && <AdoptOrphansButton />}
            <button type="button" className="btn btn-small" onClick={() => dismiss(notice.id)}>
              Dismiss
            </button>
          </div>
        ))}
    </>
  );
}

function AdoptOrphansButton() {
  const [busy, setBusy] = useState(false);
  const [failed, setFailed] = useState<string | null>(null);
  async function adopt(): Promise<void> {
    setBusy(true);
    try {
      // The notice is replaced by main's answer (recovery:changed); the grid fills through library:changed.
      await call('recovery:adoptOrphans');
    } catch (error) {
      setFailed(messageOf(error));
    } finally {
      setBusy(false);
    }
  }
  return (
    <>
      {failed && <span>{failed}</span>}
      <button
        type="button"
        className="btn btn-small btn-primary"
        disabled={busy}
        onClick={() => void adopt()}
      >
        {busy ? 'Adding…' : 'Add them back'}
      </button>
    </>
  );
}

function DiskFullBanner({ dataDir }: { dataDir: string }) {
  const [trashed, setTrashed] = useState<number | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<string | null>(null);

  // Counted again after each emptying (refresh), since some files may have gone without their rows.
  const [refresh, setRefresh] = useState(0);
  useEffect(() => {
    let live = true;
    call('library:list', { trashed: true, limit: 1 }).then(
      (page) => live && setTrashed(page.total ?? page.items.length),
      () => live && setTrashed(null),
    );
    return () => {
      live = false;
    };
  }, [refresh]);

  async function emptyTrash(): Promise<void> {
    setBusy(true);
    setConfirming(false);
    try {
      const result = await call('library:emptyTrash');
      setOutcome(
        `Deleted ${numbers.format(result.removed)} image(s) and ${numbers.format(result.filesRemoved)} file(s).`,
      );
    } catch (error) {
      setOutcome(messageOf(error));
    } finally {
      setBusy(false);
      setRefresh((n) => n + 1);
    }
  }

  return (
    <div className="banner banner-disk_full" role="alert" data-reason="disk_full">
      <div className="banner-text">
        <strong>The disk is full: the library is read-only until space is freed</strong>
        <span>
          Free space on the disk that holds <code>{dataDir}</code>; new images are made again as soon as there
          is room.
        </span>
        {outcome && <span>{outcome}</span>}
      </div>
      {trashed !== null && trashed > 0 && !confirming && (
        <button type="button" className="btn" disabled={busy} onClick={() => setConfirming(true)}>
          {busy ? 'Emptying…' : `Empty trash (${numbers.format(trashed)})`}
        </button>
      )}
      {confirming && (
        <span className="banner-confirm">
          Delete {numbers.format(trashed ?? 0)} trashed image(s) for good?
          <button type="button" className="btn btn-danger" onClick={() => void emptyTrash()}>
            Delete for good
          </button>
          <button type="button" className="btn" onClick={() => setConfirming(false)}>
            Cancel
          </button>
        </span>
      )}
    </div>
  );
}
