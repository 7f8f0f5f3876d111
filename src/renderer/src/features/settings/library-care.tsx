import { useState } from 'react';
import { call } from '../../bridge/api.ts';
import { isDesktop } from '../../lib/desktop.ts';
import { messageOf } from '../../lib/errors.ts';

/** Backup, restore and the integrity check: the things that keep a library trustworthy. */
export function LibraryCare() {
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);

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

  return (
    <section className="settings-section" aria-labelledby="settings-library">
      <h3 id="settings-library">Library care</h3>
      <p className="muted">
        A backup is a folder with the database and every image; restoring merges it back in without removing
        anything you have now.
      </p>
      <div className="settings-row">
        <CareButton label="Back up…" busy={busy} onClick={() => void run(backUp)} />
        {isDesktop && <CareButton label="Restore…" busy={busy} onClick={() => void run(restore)} />}
        <CareButton label="Check library" busy={busy} onClick={() => void run(checkHealth)} />
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
  const result = await call('os:backupLibrary', {});
  return 'canceled' in result ? null : `Backed up ${result.images} images to ${result.path}`;
}

async function restore(): Promise<string | null> {
  const result = await call('os:restoreLibrary', {});
  return 'canceled' in result ? null : `Restored ${result.restored} images (${result.files} files).`;
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
