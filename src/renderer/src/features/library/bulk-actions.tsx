import { useState } from 'react';
import { InlineAddForm } from '../../app/inline-add-form.tsx';
import { call } from '../../bridge/api.ts';
import { messageOf } from '../../lib/errors.ts';
import { useDetail } from '../detail/detail-store.ts';
import { trashWithUndo } from './image-actions.ts';
import { applyLibraryChange, ownEdit } from './library-changes.ts';
import { useLibrary } from './library-store.ts';
import { useFilterChoices } from './filter-choices.ts';

interface Message {
  ok: boolean;
  text: string;
  about: ReadonlySet<string>;
}

/** What can be done to every selected image at once. */
export function BulkActions() {
  const selected = useLibrary((state) => state.selected);
  const trashed = useLibrary((state) => state.filters.trashed);
  const clearSelection = useLibrary((state) => state.clearSelection);
  const openCompare = useDetail((state) => state.openCompare);
  const openDetail = useDetail((state) => state.openDetail);
  const { collections } = useFilterChoices();
  // A message is about the selection it was said for; a new selection (or view) starts without one.
  const [message, setMessage] = useState<Message | null>(null);
  const ids = [...selected];
  if (ids.length === 0) return null;
  const acted = selected;
  const say = (text: string, ok = true) => setMessage({ ok, text, about: acted });

  async function run(action: () => Promise<unknown>, done: string, clear = false, removes = false) {
    try {
      const answer = await action();
      await applyLibraryChange(removes ? { kind: 'removed', ids } : ownEdit(ids, answer));
      say(done);
      // The user may have moved on while this ran (another view, a new selection): clearing then
      // would throw away what they just picked, so only the selection acted on is cleared.
      if (clear && useLibrary.getState().selected === acted) clearSelection();
    } catch (error) {
      say(messageOf(error), false);
    }
  }

  const count = `${ids.length} image${ids.length === 1 ? '' : 's'}`;
  return (
    <div className="bulk-bar" role="toolbar" aria-label="Selection actions">
      <strong>{ids.length} selected</strong>
      {ids.length === 1 && (
        <button type="button" className="btn btn-small" onClick={() => openDetail(ids[0] as string)}>
          Open details
        </button>
      )}
      {!trashed && (
        <>
          <ExportButtons ids={ids} onDone={say} />
          <button
            type="button"
            className="btn btn-small"
            onClick={() =>
              void run(
                () => call('library:setFavorite', { ids, favorite: true }),
                `${count} added to favourites.`,
              )
            }
          >
            ♥ Favourite
          </button>
          <button
            type="button"
            className="btn btn-small"
            onClick={() =>
              void run(
                () => call('library:setFavorite', { ids, favorite: false }),
                `${count} removed from favourites.`,
              )
            }
          >
            Unfavourite
          </button>
          <InlineAddForm
            label="Tag to add"
            placeholder="tag"
            button="Add tag"
            onAdd={(name) =>
              run(() => call('library:tag', { ids, tags: [name] }), `Tagged ${count} #${name}.`)
            }
          />
          {collections.length > 0 && (
            <label>
              <span className="visually-hidden">Add to collection</span>
              <select
                className="select input-small"
                value=""
                onChange={(event) => {
                  const id = Number(event.target.value);
                  const name = collections.find((collection) => collection.id === id)?.name ?? '';
                  if (id)
                    void run(
                      () => call('library:addToCollection', { id, ids }),
                      `Added ${count} to ${name}.`,
                    );
                }}
              >
                <option value="">Add to collection…</option>
                {collections.map((collection) => (
                  <option key={collection.id} value={collection.id}>
                    {collection.name}
                  </option>
                ))}
              </select>
            </label>
          )}
          {ids.length >= 2 && ids.length <= 4 && (
            <button type="button" className="btn btn-small" onClick={() => void openCompare(ids)}>
              Compare
            </button>
          )}
          <button
            type="button"
            className="btn btn-small btn-danger"
            onClick={() => {
              clearSelection();
              void trashWithUndo(ids);
            }}
          >
            Move to trash
          </button>
        </>
      )}
      {trashed && (
        <>
          <button
            type="button"
            className="btn btn-small"
            onClick={() => void run(() => call('library:restore', { ids }), `${count} restored.`, true)}
          >
            Restore
          </button>
          <button
            type="button"
            className="btn btn-small btn-danger"
            onClick={() => {
              if (window.confirm(`Delete ${count} for good? This cannot be undone.`)) {
                void run(() => call('library:emptyTrash', { ids }), `${count} deleted.`, true, true);
              }
            }}
          >
            Delete forever
          </button>
        </>
      )}
      <button type="button" className="btn btn-small" onClick={clearSelection}>
        Clear selection
      </button>
      {message?.about === selected && (
        <span className={message.ok ? 'muted' : 'field-error'} role="status">
          {message.text}
        </span>
      )}
    </div>
  );
}

/** Exports go through main, which asks where (desktop) or writes into the data folder (browser mode). */
function ExportButtons({ ids, onDone }: { ids: string[]; onDone: (text: string, ok?: boolean) => void }) {
  async function exportAs(as: 'zip' | 'folder') {
    try {
      const result = await call('os:exportImages', { ids, as });
      if ('canceled' in result) return;
      onDone(`Exported ${result.count} image${result.count === 1 ? '' : 's'} to ${result.path}`);
    } catch (error) {
      onDone(messageOf(error), false);
    }
  }
  return (
    <>
      <button type="button" className="btn btn-small" onClick={() => void exportAs('zip')}>
        Export zip
      </button>
      <button type="button" className="btn btn-small" onClick={() => void exportAs('folder')}>
        Export to folder
      </button>
    </>
  );
}
