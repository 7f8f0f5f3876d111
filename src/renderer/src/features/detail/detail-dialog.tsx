import { useRef, useState, type KeyboardEvent } from 'react';
import type { ImageRecord } from '../../../../shared/api/library.ts';
import { isModelId, type ModelId } from '../../../../shared/models/index.ts';
import { call } from '../../bridge/api.ts';
import { Modal } from '../../app/modal.tsx';
import { ErrorState, LoadingState } from '../../app/states.tsx';
import { useCompose } from '../compose/compose-store.ts';
import { imageShortcut, remixImage } from '../library/image-actions.ts';
import { useLibrary } from '../library/library-store.ts';
import { useDetail } from './detail-store.ts';
import { ImageTags, ImageCollections } from './image-organise.tsx';
import { FamilyDialog } from './family-dialog.tsx';
import { ImageViewer, type ViewerKeys } from './image-viewer.tsx';
import { LineageSection } from './lineage-section.tsx';
import { ParamsTable } from './params-table.tsx';
import { VariationsAction } from '../spend/variations-action.tsx';
import { TextCheckSection } from '../text-check/text-check-section.tsx';
import { UntilRightSection } from '../text-check/until-right-status.tsx';
import { copyImage, isDesktop, revealImage } from '../../lib/desktop.ts';
import { messageOf } from '../../lib/errors.ts';
import './detail.css';

function Rating({ record }: { record: ImageRecord }) {
  const act = useDetail((state) => state.act);
  return (
    <fieldset className="rating">
      <legend className="visually-hidden">Rating</legend>
      {[1, 2, 3, 4, 5].map((stars) => (
        <label key={stars} className={stars <= record.rating ? 'star star-on' : 'star'}>
          <input
            type="radio"
            className="visually-hidden"
            name="rating"
            checked={record.rating === stars}
            onChange={() => void act(() => call('library:setRating', { ids: [record.id], rating: stars }))}
            onClick={() =>
              record.rating === stars &&
              void act(() => call('library:setRating', { ids: [record.id], rating: 0 }))
            }
          />
          <span aria-hidden="true">★</span>
          <span className="visually-hidden">
            {stars} star{stars === 1 ? '' : 's'}
          </span>
        </label>
      ))}
    </fieldset>
  );
}

export function DetailDialog() {
  const detailId = useDetail((state) => state.detailId);
  const record = useDetail((state) => state.record);
  const error = useDetail((state) => state.error);
  const note = useDetail((state) => state.note);
  const { closeDetail, act, setNote, openDetail } = useDetail.getState();
  // The window changes in place as pages arrive: the version is what changes.
  useLibrary((state) => state.itemsVersion);
  const libraryWindow = useLibrary((state) => state.window);
  const total = useLibrary((state) => state.total) ?? 0;
  const [copyFailed, setCopyFailed] = useState(false);
  const [lightbox, setLightbox] = useState(false);
  const viewerKeys = useRef<ViewerKeys>(null);
  const [familyOf, setFamilyOf] = useState<string | null>(null);
  const index = detailId ? libraryWindow.indexOf(detailId) : -1;
  const step = (delta: number) =>
    void useLibrary
      .getState()
      .load(index + delta)
      .then((item) => item && openDetail(item.id));

  async function copy(text: string, what: string) {
    try {
      await navigator.clipboard.writeText(text);
      setCopyFailed(false);
      setNote(`${what} copied.`);
    } catch {
      setCopyFailed(true);
    }
  }

  function useSettingsHere(model: ModelId, params: Record<string, unknown>) {
    useCompose.getState().useSettingsOf(model, params);
    closeDetail();
  }

  function remixThis(image: ImageRecord) {
    if (remixImage(image)) closeDetail();
  }

  /**
   * Keys of the image view: arrows go to the previous or next image, 1-5 rate, F favourites, R
   * remixes, Delete trashes (with undo) and shows the next one. Keys typed into a field are its own.
   */
  function onKeyDown(event: KeyboardEvent<HTMLDialogElement>) {
    const target = event.target as HTMLElement;
    if (['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName) || !record) return;
    if (viewerKeys.current?.(event)) {
      event.preventDefault();
      return;
    }
    if (event.key === 'ArrowLeft' || event.key === 'ArrowRight') {
      event.preventDefault();
      step(event.key === 'ArrowLeft' ? -1 : 1);
      return;
    }
    const trashing = event.key === 'Delete' || event.key === 'Backspace';
    const handled = imageShortcut(event, [{ ...record, snippet: null }], {
      trashed: record.trashedAt !== null,
      onRemix: closeDetail,
    });
    if (!handled) return;
    event.preventDefault();
    void handled.then(() => {
      if (trashing && index >= 0 && index < total - 1) step(1);
      else void useDetail.getState().refresh();
    });
  }

  const nav = (
    <>
      <button
        type="button"
        className="btn btn-icon"
        aria-label="Previous image"
        disabled={index <= 0}
        onClick={() => step(-1)}
      >
        ←
      </button>
      <button
        type="button"
        className="btn btn-icon"
        aria-label="Next image"
        disabled={index < 0 || index >= total - 1}
        onClick={() => step(1)}
      >
        →
      </button>
    </>
  );

  return (
    <Modal
      title="Image details"
      open={detailId !== null}
      onClose={closeDetail}
      actions={nav}
      className={`detail-modal ${lightbox ? 'detail-lightbox' : ''}`}
      onKeyDown={onKeyDown}
    >
      {!record ? (
        error ? (
          <ErrorState title="This image could not be opened" message={error} />
        ) : (
          <LoadingState>Loading…</LoadingState>
        )
      ) : (
        <div className="detail">
          <ImageViewer
            record={record}
            lightbox={lightbox}
            onToggleLightbox={() => setLightbox(!lightbox)}
            keys={viewerKeys}
          />
          {!lightbox && (
            <div className="detail-side">
              <p className="detail-prompt">{record.prompt}</p>
              {record.trashedAt !== null && <p className="chip chip-warning">In the trash</p>}
              <div className="detail-actions">
                <button
                  type="button"
                  className="btn btn-small"
                  onClick={() => void copy(record.prompt, 'Prompt')}
                >
                  Copy prompt
                </button>
                <button
                  type="button"
                  className="btn btn-small"
                  disabled={record.seed === null}
                  onClick={() => void copy(String(record.seed), 'Seed')}
                >
                  Copy seed
                </button>
                {isModelId(record.model) && (
                  <button
                    type="button"
                    className="btn btn-small"
                    onClick={() =>
                      useSettingsHere(record.model as ModelId, {
                        ...record.params,
                        seed: record.seed ?? record.params.seed,
                      })
                    }
                  >
                    Use these settings
                  </button>
                )}
                <button type="button" className="btn btn-small" onClick={() => remixThis(record)}>
                  Remix this
                </button>
                <button
                  type="button"
                  className="btn btn-small"
                  onClick={() =>
                    void copyImage(record.id).then(
                      () => setNote('Image copied.'),
                      (error: unknown) => setNote(`Could not copy the image: ${messageOf(error)}`),
                    )
                  }
                >
                  Copy image
                </button>
                {isDesktop && (
                  <button
                    type="button"
                    className="btn btn-small"
                    onClick={() =>
                      void revealImage(record.id).catch((error: unknown) => setNote(messageOf(error)))
                    }
                  >
                    Show in folder
                  </button>
                )}
                {isModelId(record.model) && (
                  <VariationsAction record={record} model={record.model} run={act} />
                )}
              </div>
              <div className="detail-actions">
                <button
                  type="button"
                  className={`btn btn-small ${record.favorite ? 'btn-active' : ''}`}
                  aria-pressed={record.favorite}
                  onClick={() =>
                    void act(() =>
                      call('library:setFavorite', { ids: [record.id], favorite: !record.favorite }),
                    )
                  }
                >
                  {record.favorite ? '♥ Favourite' : '♡ Favourite'}
                </button>
                <Rating record={record} />
              </div>
              <ImageTags record={record} />
              <ImageCollections record={record} />
              <LineageSection id={record.id} onFamily={() => setFamilyOf(record.id)} />
              <div className="detail-actions">
                {record.trashedAt === null ? (
                  <button
                    type="button"
                    className="btn btn-small btn-danger"
                    onClick={() =>
                      void act(() => call('library:trash', { ids: [record.id] }), 'Moved to the trash.')
                    }
                  >
                    Move to trash
                  </button>
                ) : (
                  <button
                    type="button"
                    className="btn btn-small"
                    onClick={() => void act(() => call('library:restore', { ids: [record.id] }), 'Restored.')}
                  >
                    Restore
                  </button>
                )}
              </div>
              {(note || copyFailed || error) && (
                <p className={error || copyFailed ? 'field-error' : 'muted'} role="status">
                  {error ??
                    (copyFailed ? 'The clipboard is not available here: select the text and copy it.' : note)}
                </p>
              )}
              <TextCheckSection record={record} />
              <UntilRightSection record={record} />
              <ParamsTable record={record} />
            </div>
          )}
        </div>
      )}
      <FamilyDialog id={familyOf} onClose={() => setFamilyOf(null)} />
    </Modal>
  );
}
