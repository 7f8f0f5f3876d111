import { useState } from 'react';
import { call } from '../../bridge/api.ts';
import { messageOf } from '../../lib/errors.ts';
import { useSettings } from '../settings/settings-store.ts';
import { ConfirmDialog } from './confirm-dialog.tsx';
import { useActionNotice } from './image-actions.ts';
import { useLibrary } from './library-store.ts';

const plural = (n: number) => `${n.toLocaleString()} image${n === 1 ? '' : 's'}`;

/** The trash view's own bar: how many wait there, how long they are kept, and Empty trash. */
export function EmptyTrashBar() {
  const trashed = useLibrary((state) => state.filters.trashed);
  const total = useLibrary((state) => state.total);
  const searching = useLibrary((state) => state.filters.search.trim() !== '');
  const days = useSettings((state) => state.settings?.trashDays);
  const [asking, setAsking] = useState<number | null>(null);
  if (!trashed) return null;

  async function empty() {
    setAsking(null);
    try {
      const { removed } = await call('library:emptyTrash', {});
      useActionNotice.getState().show({ ok: true, text: `${plural(removed)} deleted for good.` });
    } catch (error) {
      useActionNotice.getState().show({ ok: false, text: messageOf(error) });
    }
    await useLibrary.getState().reload();
  }

  return (
    <div className="trash-bar">
      <span className="muted">
        {days
          ? `Images are deleted for good after ${days} days in the trash.`
          : 'The trash is kept until you empty it.'}
      </span>
      <button
        type="button"
        className="btn btn-small btn-danger"
        // The whole trash, not what a search shows: the count must be the trash's own.
        disabled={!total || searching}
        title={searching ? 'Clear the search to empty the whole trash' : undefined}
        onClick={() => {
          // The count comes from main, not from what happens to be loaded.
          void call('library:list', { trashed: true, limit: 1 }).then(
            (page) => setAsking(page.total ?? 0),
            (error: unknown) => useActionNotice.getState().show({ ok: false, text: messageOf(error) }),
          );
        }}
      >
        Empty trash{total ? ` (${total.toLocaleString()})` : ''}
      </button>
      <ConfirmDialog
        title="Empty the trash?"
        open={asking !== null}
        message={`${plural(asking ?? 0)} will be deleted for good, with their files. This cannot be undone.`}
        confirm={`Delete ${plural(asking ?? 0)}`}
        onConfirm={() => void empty()}
        onCancel={() => setAsking(null)}
      />
    </div>
  );
}
