import { useCallback, useImperativeHandle, useRef, useState, type KeyboardEvent, type Ref } from 'react';
import type { ImageRecord } from '../../../../shared/api/library.ts';
import { downloadNameOf } from '../../../../shared/download-name.ts';
import { call, mediaUrl } from '../../bridge/api.ts';
import { isDesktop } from '../../lib/desktop.ts';
import { messageOf } from '../../lib/errors.ts';
import { startImageDrag } from '../library/library-grid.tsx';
import { useDetail } from './detail-store.ts';
import { ZoomView, type ZoomControls } from './zoom-view.tsx';

/** Handles a key for the view (zoom, full window); true when it was one. */
export type ViewerKeys = (event: KeyboardEvent) => boolean;

interface ImageViewerProps {
  record: ImageRecord;
  lightbox: boolean;
  onToggleLightbox(): void;
  /** Set to the view's key handler, so the dialog around it can pass keys on wherever focus is. */
  keys: Ref<ViewerKeys>;
}

/**
 * The image at any size, with what a person does to the file: download it (a real download in the
 * browser, the save dialog in the desktop app), open the original, drag it out.
 * Keys (passed on by the dialog): + and - zoom, Z switches between fit and 100 %, L the full window.
 */
export function ImageViewer({ record, lightbox, onToggleLightbox, keys }: ImageViewerProps) {
  const controls = useRef<ZoomControls>(null);
  const [zoom, setZoom] = useState({ scale: 1, mode: 'fit' as 'fit' | 'free' });
  const onScale = useCallback((scale: number, mode: 'fit' | 'free') => setZoom({ scale, mode }), []);
  const setNote = useDetail((state) => state.setNote);
  const original = mediaUrl(`/image/${record.id}/original`);

  useImperativeHandle(keys, () => (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey) return false;
    const actions: Record<string, () => void> = {
      '+': () => controls.current?.zoomBy(1.25),
      '=': () => controls.current?.zoomBy(1.25),
      '-': () => controls.current?.zoomBy(0.8),
      z: () => (zoom.mode === 'fit' ? controls.current?.actualSize() : controls.current?.fit()),
      l: onToggleLightbox,
    };
    const action = actions[event.key.toLowerCase()];
    if (!action) return false;
    action();
    return true;
  });

  async function save() {
    try {
      const result = await call('os:saveImage', { id: record.id });
      if (!('canceled' in result)) setNote(`Saved to ${result.path}`);
    } catch (error) {
      setNote(`Could not save the image: ${messageOf(error)}`);
    }
  }

  return (
    <div className="viewer">
      <div className="viewer-toolbar" role="toolbar" aria-label="View">
        <button
          type="button"
          className={`btn btn-small ${zoom.mode === 'fit' ? 'btn-active' : ''}`}
          aria-pressed={zoom.mode === 'fit'}
          onClick={() => controls.current?.fit()}
          title="Fit (Z)"
        >
          Fit
        </button>
        <button
          type="button"
          className={`btn btn-small ${Math.abs(zoom.scale - 1) < 0.005 ? 'btn-active' : ''}`}
          onClick={() => controls.current?.actualSize()}
          title="100 % (Z)"
        >
          100 %
        </button>
        <button
          type="button"
          className="btn btn-small btn-icon"
          aria-label="Zoom out"
          title="Zoom out (-)"
          onClick={() => controls.current?.zoomBy(0.8)}
        >
          −
        </button>
        <output className="zoom-readout" aria-label="Zoom">
          {Math.round(zoom.scale * 100)} %
        </output>
        <button
          type="button"
          className="btn btn-small btn-icon"
          aria-label="Zoom in"
          title="Zoom in (+)"
          onClick={() => controls.current?.zoomBy(1.25)}
        >
          +
        </button>
        <span className="viewer-spacer" />
        {isDesktop ? (
          <>
            <button type="button" className="btn btn-small" onClick={() => void save()}>
              Download…
            </button>
            <button
              type="button"
              className="btn btn-small"
              onClick={() =>
                void call('os:openImage', { id: record.id }).catch((error: unknown) =>
                  setNote(messageOf(error)),
                )
              }
            >
              Open original
            </button>
          </>
        ) : (
          <>
            <a className="btn btn-small" href={original} download={downloadNameOf(record)}>
              Download
            </a>
            <a className="btn btn-small" href={original} target="_blank" rel="noreferrer">
              Open original
            </a>
          </>
        )}
        <button
          type="button"
          className="btn btn-small"
          aria-pressed={lightbox}
          onClick={onToggleLightbox}
          title="Full window (L)"
        >
          {lightbox ? 'Show details' : 'Full window'}
        </button>
      </div>
      <div
        className="viewer-stage"
        draggable={zoom.mode === 'fit'}
        onDragStart={(event) => startImageDrag(event, { ...record, snippet: null })}
      >
        <ZoomView
          id={record.id}
          alt={record.prompt || 'Imported image without a prompt'}
          width={record.width}
          height={record.height}
          onScale={onScale}
          controls={controls}
        />
      </div>
      <p className="muted viewer-hint">
        {record.width} × {record.height} · scroll or pinch to zoom, drag to move, double-click for 100 %
      </p>
    </div>
  );
}
