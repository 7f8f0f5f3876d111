import {
  memo,
  useCallback,
  useEffect,
  useLayoutEffect,
  useReducer,
  useRef,
  useState,
  type DragEvent,
  type KeyboardEvent,
} from 'react';
import type { ImageSummary } from '../../../../shared/api/library.ts';
import { mediaUrl } from '../../bridge/api.ts';
import { useDetail } from '../detail/detail-store.ts';
import { LIBRARY_DRAG_TYPE, type LibraryDragPayload } from '../remix/remix-store.ts';
import { startNativeDrag } from '../../lib/desktop.ts';
import { GridView, type PlacedRow } from './grid-view.ts';
import { imageShortcut, useActionNotice } from './image-actions.ts';
import type { RowGeometry } from './justified-layout.ts';
import { TextCheckMark } from '../text-check/text-check-mark.tsx';
import { useLibrary } from './library-store.ts';

const GAP = 6;
/** Room under the last row, so the floating selection bar never hides it. */
const padding = { top: 6, bottom: 72, left: 6 };

const extensionOf = { png: 'png', jpeg: 'jpg', webp: 'webp' } as const;

/** Library -> remix zone (our own type), and library -> desktop (Chromium's DownloadURL). */
export function startImageDrag(event: DragEvent<HTMLElement>, item: ImageSummary): void {
  if (startNativeDrag(event, [item.id])) return;
  const payload: LibraryDragPayload = {
    id: item.id,
    sha256: item.sha256,
    bytes: item.bytes,
    prompt: item.prompt,
  };
  const original = new URL(mediaUrl(`/image/${item.id}/original`), window.location.href).href;
  event.dataTransfer.effectAllowed = 'copy';
  event.dataTransfer.setData(LIBRARY_DRAG_TYPE, JSON.stringify(payload));
  event.dataTransfer.setData('text/uri-list', original);
  const name = `${item.prompt.slice(0, 40).replace(/[^\w-]+/g, '-') || 'image'}-${item.id}.${extensionOf[item.format]}`;
  event.dataTransfer.setData('DownloadURL', `image/${item.format}:${name}:${original}`);
}

interface CellProps {
  item: ImageSummary | undefined;
  index: number;
  selected: boolean;
  focused: boolean;
  width: number;
  height: number;
}

const Cell = memo(function Cell({ item, index, selected, focused, width, height }: CellProps) {
  if (!item) {
    return <div role="gridcell" className="cell cell-loading" style={{ width, height }} aria-busy="true" />;
  }
  return (
    <div
      role="gridcell"
      id={`cell-${item.id}`}
      data-index={index}
      aria-selected={selected}
      className={`cell ${selected ? 'cell-selected' : ''} ${focused ? 'cell-focused' : ''}`}
      style={{ width, height }}
      draggable
      onDragStart={(event) => startImageDrag(event, item)}
      title={item.prompt}
    >
      <img
        src={mediaUrl(`/image/${item.id}/thumb`)}
        alt={item.prompt || 'Imported image without a prompt'}
        loading="lazy"
        decoding="async"
        draggable={false}
      />
      {(item.favorite || item.rating > 0) && (
        <span className="cell-badges" aria-hidden="true">
          {item.favorite && <span className="cell-fav">♥</span>}
          {item.rating > 0 && <span className="cell-rating">{'★'.repeat(item.rating)}</span>}
        </span>
      )}
      <TextCheckMark status={item.textStatus} />
    </div>
  );
});

interface RowViewProps {
  row: PlacedRow;
  itemsVersion: number;
  selected: ReadonlySet<string>;
  focusIndex: number | null;
}

const sameRow = (a: RowViewProps, b: RowViewProps) =>
  a.row.start === b.row.start &&
  a.row.y === b.row.y &&
  a.row.height === b.row.height &&
  a.row.loading === b.row.loading &&
  (a.row.widths === b.row.widths || (a.row.loading && a.row.widths.length === b.row.widths.length)) &&
  a.itemsVersion === b.itemsVersion &&
  a.selected === b.selected &&
  a.focusIndex === b.focusIndex;

/** One row; re-renders only when its place, its images, the selection or its focus change. */
const RowView = memo(function RowView({ row, selected, focusIndex }: RowViewProps) {
  const itemAt = useLibrary.getState().itemAt;
  return (
    <div
      role="row"
      aria-rowindex={row.loading ? undefined : row.start + 1}
      className="grid-row"
      style={{ transform: `translateY(${row.y}px)`, gap: GAP, paddingLeft: padding.left }}
    >
      {row.widths.map((width, column) => {
        const index = row.start + column;
        const item = row.loading ? undefined : itemAt(index);
        return (
          <Cell
            key={column}
            item={item}
            index={index}
            width={width}
            height={row.height}
            selected={item ? selected.has(item.id) : false}
            focused={index === focusIndex}
          />
        );
      })}
    </div>
  );
}, sameRow);

/** The image `column`-nearest to `from` in the row above or below, for arrow keys in uneven rows. */
function verticalNeighbour(view: GridView, from: number, direction: 1 | -1): number | null {
  const row = view.layout.rowOf(from);
  if (!row) return null;
  const target =
    direction === 1 ? view.layout.rowOf(row.start + row.widths.length) : view.layout.rowOf(row.start - 1);
  if (!target) return null;
  const centre = (r: typeof row, i: number) =>
    r.widths.slice(0, i).reduce((a, b) => a + b + GAP, 0) + r.widths[i]! / 2;
  const x = centre(row, from - row.start);
  let best = target.start;
  let bestDistance = Infinity;
  target.widths.forEach((_, i) => {
    const distance = Math.abs(centre(target, i) - x);
    if (distance < bestDistance) {
      bestDistance = distance;
      best = target.start + i;
    }
  });
  return best;
}

export function LibraryGrid() {
  const itemsVersion = useLibrary((state) => state.itemsVersion);
  const window_ = useLibrary((state) => state.window);
  const total = useLibrary((state) => state.total) ?? 0;
  const selected = useLibrary((state) => state.selected);
  const focusIndex = useLibrary((state) => state.focusIndex);
  const tileSize = useLibrary((state) => state.tileSize);
  const queryId = useLibrary((state) => state.queryId);
  const inserted = useLibrary((state) => state.insertedAtTop);
  const trashed = useLibrary((state) => state.filters.trashed);
  const openDetail = useDetail((state) => state.openDetail);
  const scroller = useRef<HTMLDivElement>(null);
  const [size, setSize] = useState({ width: 0, height: 0 });
  const [hasFocus, setHasFocus] = useState(false);
  const [, redraw] = useReducer((n: number) => n + 1, 0);
  const geometry: RowGeometry = {
    width: Math.max(60, size.width - padding.left * 2),
    targetHeight: tileSize,
    gap: GAP,
  };
  /** Where the grid last scrolled itself (a correction, a new query, a reveal): see onScroll. */
  const ownScroll = useRef<number | null>(null);
  const scrollTo = useCallback((element: HTMLElement, top: number) => {
    element.scrollTop = top;
    ownScroll.current = element.scrollTop;
  }, []);
  const viewRef = useRef<GridView | null>(null);
  viewRef.current ??= new GridView(geometry, total, padding);
  const view = viewRef.current;

  /** Grows the layout, applies corrections and asks for missing pages: once per frame at most. */
  const sync = useCallback(() => {
    const element = scroller.current;
    if (!element) return;
    const { itemAt, ensureRange } = useLibrary.getState();
    const aspectAt = (index: number) => {
      const item = itemAt(index);
      return item ? item.width / item.height : undefined;
    };
    const { scrollTop: corrected, want } = view.update(aspectAt, element.scrollTop, element.clientHeight);
    if (corrected !== null) {
      // The canvas must be tall enough before the scroll position is set, or the browser clamps it.
      const canvas = element.firstElementChild as HTMLElement | null;
      if (canvas) canvas.style.height = `${view.canvasHeight}px`;
      scrollTo(element, corrected);
    }
    const firstVisible = view.firstVisible(element.scrollTop).index;
    ensureRange(want[0], want[1], firstVisible);
    redraw();
  }, [view, scrollTo]);

  const frame = useRef(0);
  const scheduleSync = useCallback(() => {
    if (frame.current) return;
    frame.current = requestAnimationFrame(() => {
      frame.current = 0;
      sync();
    });
  }, [sync]);

  useLayoutEffect(() => {
    const element = scroller.current;
    if (!element) return;
    const observer = new ResizeObserver(() =>
      setSize({ width: element.clientWidth, height: element.clientHeight }),
    );
    observer.observe(element);
    setSize({ width: element.clientWidth, height: element.clientHeight });
    // While the grid moves, cells sliding under a still pointer would fire a storm of hover events
    // (each one a React dispatch): pointer events are off until scrolling pauses. Only for moves the
    // user made: a scroll the grid set itself (a layout correction once images load, the reset of a
    // new query) must not swallow the click that comes right after it.
    let timer: ReturnType<typeof setTimeout> | undefined;
    const onScroll = () => {
      const jumped = view.scrolled(element.scrollTop, element.clientHeight);
      // A drag to the bottom of a list counted only up to the cap goes on to its real end.
      const atEnd = element.scrollTop + element.clientHeight >= element.scrollHeight - 2;
      if (atEnd && useLibrary.getState().totalCapped) {
        void useLibrary
          .getState()
          .findEnd()
          .then((count) => revealRef.current(count - 1));
      }
      const own = ownScroll.current !== null && Math.abs(element.scrollTop - ownScroll.current) < 1;
      ownScroll.current = null;
      if (!jumped && !own) {
        element.classList.add('grid-scrolling');
        clearTimeout(timer);
        timer = setTimeout(() => element.classList.remove('grid-scrolling'), 150);
      }
      scheduleSync();
    };
    element.addEventListener('scroll', onScroll, { passive: true });
    return () => {
      observer.disconnect();
      element.removeEventListener('scroll', onScroll);
      clearTimeout(timer);
      cancelAnimationFrame(frame.current);
      frame.current = 0;
    };
  }, [view, scheduleSync]);

  // A new query starts at the top.
  useLayoutEffect(() => {
    const element = scroller.current;
    view.reshape(geometry, total, 0, padding.top);
    if (element) {
      view.expectScroll(0);
      scrollTo(element, 0);
    }
    // oxlint-disable-next-line react-hooks/exhaustive-deps -- only a new query resets the view
  }, [queryId, view]);

  // New tile size, width, count or a refetched window: the image at the top stays at the top.
  const geometryKey = `${geometry.width}|${geometry.targetHeight}`;
  const lastShape = useRef({ geometryKey, total, window: window_ });
  useLayoutEffect(() => {
    const element = scroller.current;
    const last = lastShape.current;
    lastShape.current = { geometryKey, total, window: window_ };
    if (!element) return;
    if (last.geometryKey === geometryKey && last.window === window_ && total > last.total) {
      view.grow(total);
    } else if (last.geometryKey !== geometryKey || last.window !== window_ || total !== last.total) {
      const { index, y } = view.firstVisible(element.scrollTop);
      view.reshape(geometry, total, index, y);
    }
    scheduleSync();
    // oxlint-disable-next-line react-hooks/exhaustive-deps -- geometry is summed up by geometryKey
  }, [geometryKey, total, window_, view, scheduleSync]);

  // Images taken in at the top move everything down; the user's place moves with them, unless they
  // are at the very top, where they want to see what is new.
  const lastInserted = useRef(inserted.serial);
  useLayoutEffect(() => {
    if (lastInserted.current === inserted.serial) return;
    lastInserted.current = inserted.serial;
    const element = scroller.current;
    lastShape.current = { ...lastShape.current, total };
    if (element && element.scrollTop <= padding.top) view.reshape(geometry, total, 0, padding.top);
    else view.insertedAtTop(inserted.count);
    scheduleSync();
    // oxlint-disable-next-line react-hooks/exhaustive-deps -- reacts to a take-in only
  }, [inserted, view, scheduleSync]);

  useEffect(() => scheduleSync(), [itemsVersion, scheduleSync]);

  const hasItems = total > 0 && window_.size > 0;
  useEffect(() => {
    // Read by bench/ui.ts: when the first cells of a query were put on screen.
    if (hasItems) performance.mark('library-first-grid-paint');
  }, [hasItems]);

  const revealRef = useRef((index: number) => reveal(index));
  revealRef.current = (index: number) => reveal(index);

  /** Brings a position on screen: a scroll if its row is laid out, a jump otherwise. */
  function reveal(index: number) {
    const element = scroller.current;
    if (!element) return;
    // findEnd may have just learnt the real count: the view must know it before mapping to it.
    view.grow(useLibrary.getState().total ?? 0);
    const row = view.layout.rowOf(index);
    if (row) {
      const y = row.top + view.offsetY;
      if (y < element.scrollTop) scrollTo(element, y - GAP);
      else if (y + row.height > element.scrollTop + element.clientHeight) {
        scrollTo(element, y + row.height - element.clientHeight + GAP);
      }
      return;
    }
    const top = view.scrollTopFor(index, element.clientHeight);
    view.anchorAt(index, top + (index === 0 ? padding.top : 0));
    view.expectScroll(top);
    // The canvas must be tall enough before the scroll position is set, or the browser clamps it
    // and the clamped position reads as a jump elsewhere.
    const canvas = element.firstElementChild as HTMLElement | null;
    if (canvas) canvas.style.height = `${view.canvasHeight}px`;
    scrollTo(element, top);
    scheduleSync();
  }

  /** Moves the keyboard focus; `extend` (Shift held) selects the range from the anchor to it. */
  function moveFocus(index: number, extend: boolean) {
    const count = useLibrary.getState().total ?? 0;
    const clamped = Math.max(0, Math.min(count - 1, index));
    useLibrary.getState().setFocusIndex(clamped);
    reveal(clamped);
    if (extend) useLibrary.getState().select(clamped, { range: true, toggle: false });
  }

  function onKeyDown(event: KeyboardEvent<HTMLDivElement>) {
    const { select, selectAll, clearSelection, itemAt } = useLibrary.getState();
    const element = scroller.current;
    const perRow = Math.max(1, Math.round(view.perRow));
    const perPage = perRow * Math.max(1, Math.floor((element?.clientHeight ?? 600) / view.pitch));
    const horizontal: Record<string, number> = { ArrowRight: 1, ArrowLeft: -1 };
    if (event.key in horizontal) {
      event.preventDefault();
      moveFocus(focusIndex + horizontal[event.key]!, event.shiftKey);
    } else if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      const direction = event.key === 'ArrowDown' ? 1 : -1;
      moveFocus(
        verticalNeighbour(view, focusIndex, direction) ?? focusIndex + direction * perRow,
        event.shiftKey,
      );
    } else if (event.key === 'PageDown' || event.key === 'PageUp') {
      event.preventDefault();
      moveFocus(focusIndex + (event.key === 'PageDown' ? perPage : -perPage), event.shiftKey);
    } else if (event.key === 'Home') {
      event.preventDefault();
      moveFocus(0, event.shiftKey);
    } else if (event.key === 'End') {
      event.preventDefault();
      const shift = event.shiftKey;
      void useLibrary
        .getState()
        .findEnd()
        .then((count) => moveFocus(count - 1, shift));
    } else if (event.key === ' ') {
      event.preventDefault();
      select(focusIndex, { range: event.shiftKey, toggle: true });
    } else if (event.key === 'Enter') {
      const item = itemAt(focusIndex);
      if (item) openDetail(item.id);
    } else if (event.key === 'a' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      void selectAll();
    } else if (event.key === 'z' && (event.ctrlKey || event.metaKey)) {
      const undo = useActionNotice.getState().notice?.undo;
      if (undo) {
        event.preventDefault();
        useActionNotice.getState().dismiss();
        void undo();
      }
    } else if (event.key === 'Escape') {
      clearSelection();
    } else {
      // Shortcuts act on the selection, or on the focused image when nothing is selected.
      const { window, selected } = useLibrary.getState();
      const focused = itemAt(focusIndex);
      const picked =
        selected.size > 0
          ? [...selected].flatMap((id) => {
              const index = window.indexOf(id);
              return index < 0 ? [] : [window.at(index)!];
            })
          : focused
            ? [focused]
            : [];
      if (imageShortcut(event, picked, { trashed })) {
        event.preventDefault();
        if (event.key === 'Delete' || event.key === 'Backspace') clearSelection();
      }
    }
  }

  const element = scroller.current;
  const rows = element ? view.visible(element.scrollTop, element.clientHeight) : [];
  const focusedItem = useLibrary.getState().itemAt(focusIndex);
  return (
    <>
      <p id="grid-keys" className="visually-hidden">
        Arrow keys move, Space selects (with Shift, a range), Enter opens, 1 to 5 rate, F favourites, R
        remixes, Delete moves to the trash, Ctrl+A selects all. Drag an image onto a source box to remix it.
      </p>
      <div
        ref={scroller}
        className={`grid-scroller ${hasFocus ? 'grid-has-focus' : ''}`}
        role="grid"
        aria-label="Library"
        aria-describedby="grid-keys"
        aria-multiselectable="true"
        aria-rowcount={-1}
        aria-activedescendant={hasFocus && focusedItem ? `cell-${focusedItem.id}` : undefined}
        tabIndex={0}
        onFocus={() => setHasFocus(true)}
        onBlur={() => setHasFocus(false)}
        onKeyDown={onKeyDown}
        onClick={(event) => {
          const cell = (event.target as HTMLElement).closest<HTMLElement>('[data-index]');
          if (!cell) return;
          useLibrary.getState().select(Number(cell.dataset.index), {
            range: event.shiftKey,
            toggle: event.ctrlKey || event.metaKey,
          });
        }}
        onDoubleClick={(event) => {
          const cell = (event.target as HTMLElement).closest<HTMLElement>('[data-index]');
          const item = cell ? useLibrary.getState().itemAt(Number(cell.dataset.index)) : undefined;
          if (item) openDetail(item.id);
        }}
      >
        <div className="grid-canvas" style={{ height: view.canvasHeight }}>
          {rows.map((row) => (
            <RowView
              key={`${row.loading ? 'l' : 'r'}${row.start}`}
              row={row}
              itemsVersion={itemsVersion}
              selected={selected}
              focusIndex={
                hasFocus && focusIndex >= row.start && focusIndex < row.start + row.widths.length
                  ? focusIndex
                  : null
              }
            />
          ))}
        </div>
      </div>
    </>
  );
}
