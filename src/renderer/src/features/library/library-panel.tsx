import { useState, type DragEvent } from 'react';
import { ErrorState, LoadingState } from '../../app/states.tsx';
import { messageOf } from '../../lib/errors.ts';
import { CompareDialog } from '../detail/compare-dialog.tsx';
import { DetailDialog } from '../detail/detail-dialog.tsx';
import { LIBRARY_DRAG_TYPE } from '../remix/remix-store.ts';
import { ActionNoticeBar } from './action-notice.tsx';
import { BulkActions } from './bulk-actions.tsx';
import { EmptyTrashBar } from './empty-trash.tsx';
import { LibraryGrid } from './library-grid.tsx';
import { defaultFilters, scheduleReload, useLibrary } from './library-store.ts';
import { LibraryToolbar } from './library-toolbar.tsx';
import './library.css';
import { entriesOf, filesOf, maxDroppedFiles } from './dropped-files.ts';
import { readTableFile, tableFilePattern } from '../batch/batch-store.ts';
import { useCompose } from '../compose/compose-store.ts';
import { LibraryTransfer } from './library-transfer.tsx';
import { importFiles } from './upload-import.ts';

function EmptyState() {
  const filters = useLibrary((state) => state.filters);
  const loading = useLibrary((state) => state.loading);
  const error = useLibrary((state) => state.error);
  const total = useLibrary((state) => state.total);
  const setFilters = useLibrary((state) => state.setFilters);
  if (error) {
    return (
      <ErrorState
        title="The library could not be loaded"
        message={error}
        onRetry={() => void useLibrary.getState().reload()}
      />
    );
  }
  if (total === null || (loading && total === 0)) {
    return <LoadingState>Loading images…</LoadingState>;
  }
  if (total > 0) return null;
  const filtered =
    JSON.stringify({ ...filters, sort: 'newest', trashed: false }) !== JSON.stringify(defaultFilters);
  if (filters.trashed && !filtered) {
    return (
      <div className="empty-state">
        <strong>The trash is empty</strong>Images you move to the trash wait here until you delete them for
        good.
      </div>
    );
  }
  if (filtered) {
    return (
      <div className="empty-state">
        <strong>No images match</strong>
        Try other words or fewer filters.
        <button
          type="button"
          className="btn"
          onClick={() => setFilters({ ...defaultFilters, trashed: filters.trashed })}
        >
          Clear filters
        </button>
      </div>
    );
  }
  return (
    <div className="empty-state">
      <strong>No images yet</strong>
      Write a prompt on the left and press Generate, or drop image files here to import them.
    </div>
  );
}

export function LibraryPanel() {
  const total = useLibrary((state) => state.total);
  const capped = useLibrary((state) => state.totalCapped);
  const trashed = useLibrary((state) => state.filters.trashed);
  const [dropping, setDropping] = useState(false);
  const [importNote, setImportNote] = useState<{ ok: boolean; text: string } | null>(null);

  const external = (event: DragEvent) =>
    event.dataTransfer.types.includes('Files') && !event.dataTransfer.types.includes(LIBRARY_DRAG_TYPE);

  return (
    <section
      className={`panel library-panel ${dropping ? 'library-dropping' : ''}`}
      aria-labelledby="library-heading"
      onDragOver={(event) => {
        if (!external(event)) return;
        event.preventDefault();
        setDropping(true);
      }}
      onDragLeave={(event) => {
        if (event.currentTarget === event.target) setDropping(false);
      }}
      onDrop={(event) => {
        if (!external(event)) return;
        event.preventDefault();
        setDropping(false);
        const entries = entriesOf(event.dataTransfer);
        setImportNote({ ok: true, text: 'Reading the dropped files…' });
        filesOf(entries)
          .then(({ files: dropped, truncated }) => {
            // A table file among them is a batch to map, not an image to import.
            const table = dropped.find((file) => tableFilePattern.test(file.name));
            if (table) void readTableFile(table, useCompose.getState().model);
            const files = dropped.filter((file) => file !== table);
            if (files.length === 0) return 'Opened the table file as a batch.';
            setImportNote({
              ok: true,
              text: `Importing ${files.length} file${files.length === 1 ? '' : 's'}…`,
            });
            return importFiles(files).then((text) =>
              truncated ? `${text} Only the first ${maxDroppedFiles} files of the drop were taken.` : text,
            );
          })
          .then(
            (text) => {
              setImportNote({ ok: true, text });
              scheduleReload();
            },
            (error: unknown) => setImportNote({ ok: false, text: messageOf(error) }),
          );
      }}
    >
      <div className="panel-header">
        <h2 id="library-heading">{trashed ? 'Trash' : 'Images'}</h2>
        {total !== null && (
          <span className="muted" aria-live="polite">
            {capped
              ? `over ${total.toLocaleString()} images`
              : `${total.toLocaleString()} image${total === 1 ? '' : 's'}`}
          </span>
        )}
        <LibraryTransfer onNote={setImportNote} />
      </div>
      <LibraryToolbar />
      <EmptyTrashBar />
      {importNote && (
        <p className={importNote.ok ? 'import-note' : 'import-note field-error'} role="status">
          {importNote.text}
          <button type="button" className="btn btn-small" onClick={() => setImportNote(null)}>
            Dismiss
          </button>
        </p>
      )}
      <EmptyState />
      {/* The selection and notice bars float over the grid: a bar that pushed the grid down would move
          the tile under the pointer between the two clicks of a double-click. */}
      <div className="grid-area">
        <LibraryGrid />
        <div className="grid-overlays">
          <ActionNoticeBar />
          <BulkActions />
        </div>
      </div>
      <DetailDialog />
      <CompareDialog />
    </section>
  );
}
