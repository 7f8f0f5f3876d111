import { useState } from 'react';
import type { ImageRecord } from '../../../../shared/api/library.ts';
import { isModelId, type ModelId } from '../../../../shared/models/index.ts';
import { call, mediaUrl } from '../../bridge/api.ts';
import { Modal } from '../../app/modal.tsx';
import { ErrorState, LoadingState } from '../../app/states.tsx';
import { useCompose } from '../compose/compose-store.ts';
import { startImageDrag } from '../library/library-grid.tsx';
import { useLibrary } from '../library/library-store.ts';
import { useRemix } from '../remix/remix-store.ts';
import { useDetail } from './detail-store.ts';
import { ImageTags, ImageCollections } from './image-organise.tsx';
import { ParamsTable } from './params-table.tsx';
import { VariationsAction } from '../spend/variations-action.tsx';
import { TextCheckSection } from '../text-check/text-check-section.tsx';
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
  // `items` grows in place as pages arrive: the version is what changes.
  useLibrary((state) => state.itemsVersion);
  const items = useLibrary((state) => state.items);
  const [copyFailed, setCopyFailed] = useState(false);
  const index = detailId ? items.findIndex((item) => item.id === detailId) : -1;

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
    const ref = useRemix.getState().addLibraryImage('image', {
      id: image.id,
      sha256: image.sha256,
      bytes: image.bytes,
      prompt: image.prompt,
    });
    if (!ref) return;
    const compose = useCompose.getState();
    const previous = compose.drafts['ideogram-3-remix'] ?? {};
    compose.useSettingsOf('ideogram-3-remix', { ...previous, prompt: image.prompt, image: ref });
    closeDetail();
  }

  const nav = (
    <>
      <button
        type="button"
        className="btn btn-icon"
        aria-label="Previous image"
        disabled={index <= 0}
        onClick={() => items[index - 1] && openDetail(items[index - 1]!.id)}
      >
        ←
      </button>
      <button
        type="button"
        className="btn btn-icon"
        aria-label="Next image"
        disabled={index < 0 || index >= items.length - 1}
        onClick={() => items[index + 1] && openDetail(items[index + 1]!.id)}
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
      className="detail-modal"
    >
      {!record ? (
        error ? (
          <ErrorState title="This image could not be opened" message={error} />
        ) : (
          <LoadingState>Loading…</LoadingState>
        )
      ) : (
        <div className="detail">
          <figure className="detail-figure">
            <a
              href={mediaUrl(`/image/${record.id}/original`)}
              target="_blank"
              rel="noreferrer"
              draggable
              onDragStart={(event) => startImageDrag(event, { ...record, snippet: null })}
            >
              <img
                src={mediaUrl(`/image/${record.id}/preview`)}
                alt={record.prompt}
                className="detail-image"
              />
            </a>
            <figcaption className="muted">
              Drag the image out to save it, or open the original in a new tab.
            </figcaption>
          </figure>
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
              {isModelId(record.model) && <VariationsAction record={record} model={record.model} run={act} />}
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
            <ParamsTable record={record} />
          </div>
        </div>
      )}
    </Modal>
  );
}
