import { useRef, useState, type ChangeEvent } from 'react';
import { call } from '../../bridge/api.ts';
import { downloadBackup, uploadBackup } from '../../bridge/transfers.ts';
import { isDesktop } from '../../lib/desktop.ts';
import { messageOf } from '../../lib/errors.ts';

/** Backup, restore and the integrity check: the things that keep a library trustworthy. */
export function LibraryCare() {
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const chooser = useRef<HTMLInputElement>(null);

  async function run(action: () => Promise<string | null>) {
    setBusy(true);
    setMessage(null);
    try {
      const text = await action();
      if (text) setMessage({ ok: true, text });
    } catch (error) {
      setMessage({ ok: false, text: messageOf(error) });
    } finally {
      setBusy(false);
    }
  }

  function restoreChosen(event: ChangeEvent<HTMLInputElement>) {
    const file = event.target.files?.[0];
    event.target.value = '';
    if (file) void run(() => restoreUpload(file));
  }

  return (
    <section className="settings-section" aria-labelledby="settings-library">
      <h3 id="settings-library">Library care</h3>
      <p className="muted">
        {isDesktop
          ? 'A backup is a folder with the database and every image; '
          : 'A backup downloads as a zip with the database and every image; '}
        restoring merges it back in without removing anything you have now.
      </p>
      <div className="settings-row">
        <CareButton label="Back up…" busy={busy} onClick={() => void run(backUp)} />
        <CareButton
          label="Restore…"
          busy={busy}
          onClick={() => (isDesktop ? void run(restore) : chooser.current?.click())}
        />
        <CareButton label="Check library" busy={busy} onClick={() => void run(checkHealth)} />
        {!isDesktop && (
          <input
            ref={chooser}
            type="file"
            accept=".zip,application/zip"
            aria-label="Backup zip to restore"
            hidden
            onChange={restoreChosen}
          />
        )}
      </div>
      {message && (
        <p className={message.ok ? 'muted' : 'field-error'} role={message.ok ? 'status' : 'alert'}>
          {message.text}
        </p>
      )}
    </section>
  );
}

function CareButton({ label, busy, onClick }: { label: string; busy: boolean; onClick: () => void }) {
  return (
    <button type="button" className="btn btn-small" disabled={busy} onClick={onClick}>
      {label}
    </button>
  );
}

async function backUp(): Promise<string | null> {
  if (!isDesktop) {
    downloadBackup();
    return 'Your backup is downloading: a zip of the database and every image.';
  }
  const result = await call('os:backupLibrary', {});
  return 'canceled' in result ? null : `Backed up ${result.images} images to ${result.path}`;
}

async function restore(): Promise<string | null> {
  const result = await call('os:restoreLibrary', {});
  return 'canceled' in result
    ? null
    : `Restored ${count(result.restored, 'image')} (${count(result.files, 'file')}).`;
}

async function restoreUpload(file: File): Promise<string> {
  const result = await uploadBackup(file);
  return `Restored ${count(result.restored, 'image')} (${count(result.files, 'file')}). The library as it was is kept in the data folder as ${result.keptAside}.`;
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

async function checkHealth(): Promise<string> {
  const report = await call('library:checkIntegrity', {});
  if (report.database.length > 0) {
    throw new Error(`The database reports problems: ${report.database.slice(0, 3).join('; ')}`);
  }
  return report.missingCount === 0
    ? 'The library is healthy: the database checks out and every image file is on disk.'
    : `${report.missingCount} image(s) have lost their file on disk; restore a backup to bring them back.`;
}
