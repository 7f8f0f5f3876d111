import { useRef, useState } from 'react';
import { call } from '../../bridge/api.ts';
import { isDesktop } from '../../lib/desktop.ts';
import { messageOf } from '../../lib/errors.ts';
import { scheduleReload } from './library-store.ts';
import { importFiles, importSummary } from './upload-import.ts';

interface Note {
  ok: boolean;
  text: string;
}

/**
 * Moving images in and out: Import takes images and export zips (the file dialog in the desktop
 * app, the browser's file picker here); Export all writes the whole library, trash included, as a
 * zip another Ideogram Studio imports as it was.
 */
export function LibraryTransfer({ onNote }: { onNote(note: Note): void }) {
  const input = useRef<HTMLInputElement>(null);
  const [busy, setBusy] = useState(false);

  async function run(action: () => Promise<string | null>) {
    setBusy(true);
    try {
      const text = await action();
      if (text) onNote({ ok: true, text });
    } catch (error) {
      onNote({ ok: false, text: messageOf(error) });
    } finally {
      setBusy(false);
      scheduleReload();
    }
  }

  return (
    <span className="library-transfer">
      <button
        type="button"
        className="btn btn-small"
        disabled={busy}
        onClick={() => {
          if (!isDesktop) {
            input.current?.click();
            return;
          }
          void run(async () => {
            const result = await call('os:importImages', {});
            if ('canceled' in result) return null;
            return importSummary(
              result.imported,
              result.duplicates,
              result.refused.map((r) => `${r.name}: ${r.reason}`),
            );
          });
        }}
      >
        Import…
      </button>
      <input
        ref={input}
        type="file"
        className="visually-hidden"
        tabIndex={-1}
        aria-label="Files to import"
        accept=".png,.jpg,.jpeg,.webp,.zip,image/png,image/jpeg,image/webp,application/zip"
        multiple
        onChange={(event) => {
          const files = [...(event.target.files ?? [])];
          event.target.value = '';
          if (files.length === 0) return;
          onNote({ ok: true, text: `Importing ${files.length} file${files.length === 1 ? '' : 's'}…` });
          void run(() => importFiles(files));
        }}
      />
      <button
        type="button"
        className="btn btn-small"
        disabled={busy}
        title="The whole library, trash included, as a zip another Ideogram Studio imports as it was"
        onClick={() =>
          void run(async () => {
            const result = await call('os:exportImages', { all: true, as: 'zip' });
            if ('canceled' in result) return null;
            return `Exported ${result.count} image${result.count === 1 ? '' : 's'} to ${result.path}`;
          })
        }
      >
        Export all…
      </button>
    </span>
  );
}
