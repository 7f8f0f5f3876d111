import { useVirtualizer } from '@tanstack/react-virtual';
import {
  memo,
  useEffect,
  useLayoutEffect,
  useRef,
  useState,
  type DragEvent,
  type KeyboardEvent,
} from 'react';
import type { ImageSummary } from '../../../../shared/api/library.ts';
import { call, mediaUrl } from '../../bridge/api.ts';
import { useDetail } from '../detail/detail-store.ts';
import { LIBRARY_DRAG_TYPE, type LibraryDragPayload } from '../remix/remix-store.ts';
import { startNativeDrag } from '../../lib/desktop.ts';
import { applyLibraryChange } from './library-changes.ts';
import { TextCheckMark } from '../text-check/text-check-mark.tsx';
import { useLibrary } from './library-store.ts';

const TARGET_CELL = 176;
const GAP = 6;

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
  size: number;
}

const Cell = memo(function Cell({ item, index, selected, focused, size }: CellProps) {
  if (!item) {
    return (
      <div
        role="gridcell"
        className="cell cell-loading"
        style={{ width: size, height: size }}
        aria-busy="true"
      />
    );
  }
  return (
    <div
      role="gridcell"
      id={`cell-${item.id}`}
      data-index={index}
      aria-selected={selected}
      className={`cell ${selected ? 'cell-selected' : ''} ${focused ? 'cell-focused' : ''}`}
      style={{ width: size, height: size }}
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

export function LibraryGrid() {
  // `items` grows in place as pages arrive: the version is what changes.
  useLibrary((state) => state.itemsVersion);
  const items = useLibrary((state) => state.items);
  const total = useLibrary((state) => state.total) ?? items.length;
  const selected = useLibrary((state) => state.selected);
  const focusIndex = useLibrary((state) => state.focusIndex);
  const { select, ensureLoaded, setFocusIndex, selectAll, clearSelection } = useLibrary.getState();
  const openDetail = useDetail((state) => state.openDetail);
  const scroller = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(0);
  const [hasFocus, setHasFocus] = useState(false);

  useLayoutEffect(() => {
    const element = scroller.current;
    if (!element) return;
    const observer = new ResizeObserver(() => setWidth(element.clientWidth));
    observer.observe(element);
    setWidth(element.clientWidth);
    // While the grid moves, cells sliding under a still pointer would fire a storm of hover events
    // (each one a React dispatch): switch pointer events off until scrolling pauses.
    let timer: ReturnType<typeof setTimeout> | undefined;
    const onScroll = () => {
      element.classList.add('grid-scrolling');
      clearTimeout(timer);
      timer = setTimeout(() => element.classList.remove('grid-scrolling'), 150);
    };
    element.addEventListener('scroll', onScroll, { passive: true });
    return () => {
      observer.disconnect();
      element.removeEventListener('scroll', onScroll);
      clearTimeout(timer);
    };
  }, []);

  const columns = Math.max(2, Math.floor((width - GAP) / (TARGET_CELL + GAP)));
  const size = Math.max(60, Math.floor((width - GAP) / columns) - GAP);
  const rowCount = Math.ceil(total / columns);
  // This build has no React Compiler, whose memoisation is what the lint warns about.
  // oxlint-disable-next-line react/incompatible-library
  const virtualizer = useVirtualizer({
    count: rowCount,
    getScrollElement: () => scroller.current,
    estimateSize: () => size + GAP,
    overscan: 2,
    // A synchronous render inside every scroll event is what made long tasks on fast scrolls;
    // letting React batch keeps each scroll task short, and overscan hides the one-frame lag.
    useFlushSync: false,
  });
  useEffect(() => virtualizer.measure(), [size, virtualizer]);

  const rows = virtualizer.getVirtualItems();
  const lastRow = rows.at(-1)?.index ?? 0;
  useEffect(() => {
    // Fetch a little past what is on screen, so cells fill in before they scroll into view.
    void ensureLoaded(Math.min(total - 1, (lastRow + 4) * columns));
  }, [lastRow, columns, total, items.length, ensureLoaded]);

  const hasItems = items.length > 0;
  useEffect(() => {
    // Read by bench/ui.ts: when the first cells of a query were put on screen.
    if (hasItems) performance.mark('library-first-grid-paint');
  }, [hasItems]);

  function moveFocus(index: number, event: KeyboardEvent) {
    const clamped = Math.max(0, Math.min(total - 1, index));
    setFocusIndex(clamped);
    virtualizer.scrollToIndex(Math.floor(clamped / columns));
    if (event.shiftKey) select(clamped, { range: true, toggle: false });
  }

  function onKeyDown(event: KeyboardEvent<HTMLDivElement>) {
    const step: Record<string, number> = {
      ArrowRight: 1,
      ArrowLeft: -1,
      ArrowDown: columns,
      ArrowUp: -columns,
      PageDown: columns * 4,
      PageUp: -columns * 4,
    };
    const delta = step[event.key];
    if (delta !== undefined) {
      event.preventDefault();
      moveFocus(focusIndex + delta, event);
    } else if (event.key === 'Home' || event.key === 'End') {
      event.preventDefault();
      moveFocus(event.key === 'Home' ? 0 : total - 1, event);
    } else if (event.key === ' ') {
      event.preventDefault();
      select(focusIndex, { range: event.shiftKey, toggle: true });
    } else if (event.key === 'Enter') {
      const item = items[focusIndex];
      if (item) openDetail(item.id);
    } else if (event.key === 'a' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      selectAll();
    } else if (event.key === 'Escape') {
      clearSelection();
    } else if (event.key === 'Delete' && selected.size > 0 && !useLibrary.getState().filters.trashed) {
      const ids = [...selected];
      void call('library:trash', { ids }).then(() => applyLibraryChange({ kind: 'updated', ids }));
    }
  }

  const focusedItem = items[focusIndex];
  return (
    <>
      <p id="grid-keys" className="visually-hidden">
        Arrow keys move, Space selects (with Shift, a range), Enter opens, Delete moves to the trash, Ctrl+A
        selects all. Drag an image onto a source box to remix it.
      </p>
      <div
        ref={scroller}
        className={`grid-scroller ${hasFocus ? 'grid-has-focus' : ''}`}
        role="grid"
        aria-label="Library"
        aria-describedby="grid-keys"
        aria-multiselectable="true"
        aria-rowcount={rowCount}
        aria-colcount={columns}
        aria-activedescendant={hasFocus && focusedItem ? `cell-${focusedItem.id}` : undefined}
        tabIndex={0}
        onFocus={() => setHasFocus(true)}
        onBlur={() => setHasFocus(false)}
        onKeyDown={onKeyDown}
        onClick={(event) => {
          const cell = (event.target as HTMLElement).closest<HTMLElement>('[data-index]');
          if (!cell) return;
          select(Number(cell.dataset.index), {
            range: event.shiftKey,
            toggle: event.ctrlKey || event.metaKey,
          });
        }}
        onDoubleClick={(event) => {
          const cell = (event.target as HTMLElement).closest<HTMLElement>('[data-index]');
          const item = cell ? items[Number(cell.dataset.index)] : undefined;
          if (item) openDetail(item.id);
        }}
      >
        <div className="grid-canvas" style={{ height: virtualizer.getTotalSize() }}>
          {rows.map((row) => (
            <div
              // Keyed by slot, not by row: rows scrolled off are reused for the rows scrolled on, so a
              // fast scroll updates a few attributes instead of removing and creating DOM every frame.
              key={row.index % rows.length}
              role="row"
              aria-rowindex={row.index + 1}
              className="grid-row"
              style={{ transform: `translateY(${row.start}px)`, gap: GAP, paddingLeft: GAP }}
            >
              {Array.from({ length: columns }, (_, column) => {
                const index = row.index * columns + column;
                if (index >= total) return null;
                const item = items[index];
                return (
                  <Cell
                    key={column}
                    item={item}
                    index={index}
                    size={size}
                    selected={item ? selected.has(item.id) : false}
                    focused={hasFocus && index === focusIndex}
                  />
                );
              })}
            </div>
          ))}
        </div>
      </div>
    </>
  );
}
