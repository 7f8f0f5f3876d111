import { useEffect, useImperativeHandle, useLayoutEffect, useRef, useState, type Ref } from 'react';
import { mediaUrl } from '../../bridge/api.ts';
import { centred, clamped, fitted, panned, zoomedAt, type Size, type ZoomState } from './zoom-math.ts';

export interface ZoomControls {
  fit(): void;
  actualSize(): void;
  zoomBy(factor: number): void;
}

interface ZoomViewProps {
  id: string;
  alt: string;
  width: number;
  height: number;
  /** Told the scale whenever it changes, for the zoom read-out. */
  onScale?(scale: number, mode: ZoomState['mode']): void;
  controls?: Ref<ZoomControls>;
}

const wheelStep = 0.0015;

/**
 * An image to look at closely: fit, 100 %, zoom by wheel or pinch (a trackpad pinch arrives as a
 * wheel with Ctrl; on a touch screen, two pointers), pan by dragging. The 1280 px preview shows
 * first; the original replaces it once the view needs more pixels than the preview has.
 */
export function ZoomView({ id, alt, width, height, onScale, controls }: ZoomViewProps) {
  const box = useRef<HTMLDivElement>(null);
  const [view, setView] = useState<Size>({ width: 0, height: 0 });
  const image: Size = { width, height };
  const [state, setState] = useState<ZoomState>({ scale: 1, x: 0, y: 0, mode: 'fit' });
  const [original, setOriginal] = useState(false);
  const [shownId, setShownId] = useState<string | null>(null);
  const pointers = useRef(new Map<number, { x: number; y: number }>());

  useLayoutEffect(() => {
    const element = box.current;
    if (!element) return;
    const observer = new ResizeObserver(() =>
      setView({ width: element.clientWidth, height: element.clientHeight }),
    );
    observer.observe(element);
    setView({ width: element.clientWidth, height: element.clientHeight });
    return () => observer.disconnect();
  }, []);

  // A new image, or a resized viewport while fitting: fit again.
  const fitKey = `${id}|${view.width}x${view.height}`;
  const [fittedFor, setFittedFor] = useState('');
  if (view.width > 0 && fittedFor !== fitKey && (state.mode === 'fit' || !fittedFor.startsWith(`${id}|`))) {
    setFittedFor(fitKey);
    setState(fitted(image, view));
    if (!fittedFor.startsWith(`${id}|`)) setOriginal(false);
  }

  // The preview is 1280 px on its long side: past that on screen, only the original is sharp.
  const shownLongSide = Math.max(width, height) * state.scale * (window.devicePixelRatio || 1);
  if (!original && shownLongSide > 1280 && Math.max(width, height) > 1280) setOriginal(true);

  useEffect(() => onScale?.(state.scale, state.mode), [state.scale, state.mode, onScale]);

  useImperativeHandle(
    controls,
    () => ({
      fit: () => setState(fitted(image, view)),
      actualSize: () => setState(clamped(centred(image, view, 1), image, view)),
      zoomBy: (factor) =>
        setState((s) => zoomedAt(s, factor, { x: view.width / 2, y: view.height / 2 }, image, view)),
    }),
    // oxlint-disable-next-line react-hooks/exhaustive-deps -- image is width and height
    [width, height, view],
  );

  // Wheel must be a non-passive listener to keep the page from scrolling or zooming itself.
  useEffect(() => {
    const element = box.current;
    if (!element) return;
    const onWheel = (event: WheelEvent) => {
      event.preventDefault();
      const rect = element.getBoundingClientRect();
      const at = { x: event.clientX - rect.left, y: event.clientY - rect.top };
      // Pinches send small ctrl-wheel deltas; a mouse wheel sends ~100 per notch.
      const delta = event.deltaMode === 1 ? event.deltaY * 16 : event.deltaY;
      const factor = Math.exp(-delta * (event.ctrlKey ? wheelStep * 6 : wheelStep));
      setState((s) => zoomedAt(s, factor, at, { width, height }, view));
    };
    element.addEventListener('wheel', onWheel, { passive: false });
    return () => element.removeEventListener('wheel', onWheel);
  }, [width, height, view]);

  const zoomedIn = state.scale > fitted(image, view).scale * 1.001;
  const src = mediaUrl(`/image/${id}/${original ? 'original' : 'preview'}`);
  // Until the first of this image's pixels arrive (a 2K PNG takes a moment to read and decode), its
  // thumbnail, already in the cache from the grid, stands in at the same box. It goes once the
  // image is drawn, or a transparent image would show it through. From preview to original the
  // browser keeps drawing the preview until the original is ready, so one stand-in is enough; the
  // element is keyed by image, so stepping to the next never stretches the last one's pixels.
  const placeholder =
    shownId === id
      ? {}
      : { backgroundImage: `url("${mediaUrl(`/image/${id}/thumb`)}")`, backgroundSize: '100% 100%' };
  return (
    <div
      ref={box}
      className={`zoom-view ${zoomedIn ? 'zoom-pannable' : ''}`}
      data-testid="zoom-view"
      onPointerDown={(event) => {
        event.currentTarget.setPointerCapture(event.pointerId);
        pointers.current.set(event.pointerId, { x: event.clientX, y: event.clientY });
      }}
      onPointerMove={(event) => {
        const last = pointers.current.get(event.pointerId);
        if (!last) return;
        const others = [...pointers.current].filter(([pid]) => pid !== event.pointerId);
        const now = { x: event.clientX, y: event.clientY };
        pointers.current.set(event.pointerId, now);
        if (others.length === 1) {
          // Two fingers: the change in their distance is the zoom, around their midpoint.
          const other = others[0]![1];
          const before = Math.hypot(last.x - other.x, last.y - other.y);
          const after = Math.hypot(now.x - other.x, now.y - other.y);
          const rect = event.currentTarget.getBoundingClientRect();
          const mid = { x: (now.x + other.x) / 2 - rect.left, y: (now.y + other.y) / 2 - rect.top };
          if (before > 0) setState((s) => zoomedAt(s, after / before, mid, image, view));
        } else if (others.length === 0) {
          setState((s) => panned(s, now.x - last.x, now.y - last.y, image, view));
        }
      }}
      onPointerUp={(event) => pointers.current.delete(event.pointerId)}
      onPointerCancel={(event) => pointers.current.delete(event.pointerId)}
      onDoubleClick={(event) => {
        // Double-click toggles between fit and 100 % at the clicked point, as in most viewers.
        const rect = event.currentTarget.getBoundingClientRect();
        const at = { x: event.clientX - rect.left, y: event.clientY - rect.top };
        setState((s) => (s.mode === 'fit' ? zoomedAt(s, 1 / s.scale, at, image, view) : fitted(image, view)));
      }}
    >
      {view.width > 0 && (
        <img
          key={id}
          src={src}
          alt={alt}
          draggable={false}
          className="zoom-image"
          onLoad={() => setShownId(id)}
          style={{
            ...placeholder,
            width: width * state.scale,
            height: height * state.scale,
            transform: `translate(${Math.round(state.x)}px, ${Math.round(state.y)}px)`,
          }}
        />
      )}
    </div>
  );
}
