import { AnchoredLayout, type AspectAt, type Row, type RowGeometry } from './justified-layout.ts';

/**
 * Chromium stops laying out elements near 2^25 px (~33.5M); a million images in 200 px rows would be
 * ~40M. The scrollable height is capped well below that, and past the cap the scrollbar stands for
 * the position in the list (the count), not for pixels.
 */
export const maxCanvasHeight = 12_000_000;

/** A move of more than this many screens at once is a jump (scrollbar drag, Home/End), not a scroll. */
const jumpScreens = 3;

export interface GridPadding {
  top: number;
  bottom: number;
  left: number;
}

/** A row to draw, in the scroller's own coordinates; `loading` rows stand in for images not fetched. */
export interface PlacedRow extends Row {
  y: number;
  loading: boolean;
}

/**
 * Ties the scroll position to the justified layout (see justified-layout.ts for why it is anchored).
 *
 * - A scroll of a few screens moves the rows by exactly the pixels scrolled: the layout grows from
 *   where it is, so nothing on screen ever jumps.
 * - A jump maps the scroll fraction to a position through the count (`fraction * count`), anchors a
 *   new layout there and fetches that page directly (the list's `offset`), so the end of a million
 *   images is one request away, not thousands of pages of cursor walking.
 * - Rows live in layout coordinates; `offsetY` maps them into the scroller. Near either end the
 *   mapping is corrected (the first image sits at the top, the last at the bottom, and there is
 *   always room to scroll to what is left): the content stays put and the scroll position moves, so
 *   the user sees nothing but the scrollbar thumb settle.
 */
export class GridView {
  layout: AnchoredLayout;
  offsetY = 0;
  canvasHeight = 0;
  private lastScrollTop = 0;
  /** Set when the layout was anchored at the end: its bottom is put at the canvas bottom once laid out. */
  private alignEnd = false;
  /** Measured from laid-out rows, for estimates of what is not laid out. */
  private meanRowHeight: number;
  private meanPerRow = 4;

  private geometry: RowGeometry;
  private count: number;
  private readonly padding: GridPadding;

  constructor(geometry: RowGeometry, count: number, padding: GridPadding) {
    this.geometry = geometry;
    this.count = count;
    this.padding = padding;
    this.meanRowHeight = geometry.targetHeight;
    this.layout = new AnchoredLayout(0, count, geometry);
    this.canvasHeight = this.estimatedHeight();
  }

  get pitch(): number {
    return this.meanRowHeight + this.geometry.gap;
  }

  /** Images per row on average, from the rows laid out so far. */
  get perRow(): number {
    return this.meanPerRow;
  }

  private estimatedHeight(): number {
    const rows = Math.ceil(this.count / this.meanPerRow);
    return Math.min(maxCanvasHeight, this.padding.top + this.padding.bottom + rows * this.pitch);
  }

  private rowsPerScreen(clientHeight: number): number {
    return Math.max(1, Math.ceil(clientHeight / this.pitch));
  }

  /** Starts a new layout with the row of `index` at scroll position `y`. */
  anchorAt(index: number, y: number): void {
    this.alignEnd = index >= this.count - 1 && this.count > 0;
    this.layout = new AnchoredLayout(index, this.count, this.geometry, this.alignEnd);
    // Whole pixels: a fractional offset would blur every thumbnail.
    this.offsetY = Math.round(y);
  }

  /** A new count or row geometry: re-anchored at `index`, which stays at scroll position `y`. */
  reshape(geometry: RowGeometry, count: number, index: number, y: number): void {
    this.geometry = geometry;
    this.count = count;
    this.meanRowHeight = geometry.targetHeight;
    this.canvasHeight = Math.max(this.canvasHeight, this.estimatedHeight());
    this.anchorAt(Math.min(index, Math.max(0, count - 1)), y);
  }

  /**
   * More images became known at the end (a search that shows "1,000+" growing as one scrolls): the
   * rows stay; only a short last row, laid out as the end, is laid out again.
   */
  grow(count: number): void {
    if (count <= this.count) return;
    const wasEnd = this.layout.reachesEnd;
    this.count = count;
    const rows = this.layout.rows;
    const anchor = rows[0]?.start ?? this.layout.anchor;
    const kept = wasEnd && rows.length > 1 ? rows.slice(0, -1) : wasEnd ? [] : rows;
    const top = kept[0]?.top ?? 0;
    this.layout = new AnchoredLayout(anchor, count, this.geometry);
    this.layout.rows.push(...kept);
    if (kept.length === 0) this.offsetY += Math.round(top);
    this.canvasHeight = Math.max(this.canvasHeight, this.estimatedHeight());
  }

  /** `count` images were put in front of the list: the same images stay on screen at new positions. */
  insertedAtTop(count: number): void {
    this.count += count;
    const rows = this.layout.rows.map((row) => ({ ...row, start: row.start + count }));
    const anchor = this.layout.anchor + count;
    this.layout = new AnchoredLayout(anchor, this.count, this.geometry);
    this.layout.rows.push(...rows);
  }

  /**
   * Called on every scroll event. Returns true when it was a jump and the layout was anchored anew.
   * `scrollTop` changes the view made itself (corrections, scrollToIndex) are not jumps.
   */
  scrolled(scrollTop: number, clientHeight: number): boolean {
    const delta = scrollTop - this.lastScrollTop;
    this.lastScrollTop = scrollTop;
    if (Math.abs(delta) <= jumpScreens * clientHeight) return false;
    const range = Math.max(1, this.canvasHeight - clientHeight);
    const fraction = Math.min(1, Math.max(0, scrollTop / range));
    if (fraction >= 1) {
      this.anchorAt(this.count - 1, scrollTop);
      return true;
    }
    const perScreen = this.rowsPerScreen(clientHeight) * this.meanPerRow;
    const index = Math.round(fraction * Math.max(0, this.count - perScreen));
    this.anchorAt(index, scrollTop + (index === 0 ? this.padding.top : 0));
    return true;
  }

  /** The scroll position a jump to `index` lands on: the same mapping a scrollbar drag uses. */
  scrollTopFor(index: number, clientHeight: number): number {
    if (index >= this.count - 1) return Math.max(0, this.canvasHeight - clientHeight);
    const perScreen = this.rowsPerScreen(clientHeight) * this.meanPerRow;
    const span = Math.max(1, this.count - perScreen);
    const range = Math.max(0, this.canvasHeight - clientHeight);
    return Math.min(range, Math.round((Math.min(index, span) / span) * range));
  }

  /** Records a scroll position the view set itself, so its scroll event is not taken for a jump. */
  expectScroll(scrollTop: number): void {
    this.lastScrollTop = scrollTop;
  }

  /**
   * Grows the layout over the viewport and overscan, fixes the mapping near the ends, and says what
   * to fetch. Returns a scroll correction to apply (the new scrollTop) when the mapping moved.
   */
  update(
    aspectAt: AspectAt,
    scrollTop: number,
    clientHeight: number,
  ): { scrollTop: number | null; want: [number, number] } {
    this.catchUp(scrollTop, clientHeight);
    const overscan = clientHeight;
    const top = scrollTop - this.offsetY - overscan;
    const bottom = scrollTop - this.offsetY + clientHeight + overscan;
    const waitDown = this.layout.growDown(aspectAt, bottom);
    const waitUp = this.layout.rows.length > 0 ? this.layout.growUp(aspectAt, top) : null;
    this.layout.trim(top - 8 * clientHeight, bottom + 8 * clientHeight);
    this.learn();

    let corrected = scrollTop;
    const layout = this.layout;
    if (this.alignEnd && layout.rows.length > 0) {
      // Anchored at the end: the last row goes to the bottom of the canvas, under the viewport.
      this.alignEnd = false;
      this.canvasHeight = Math.max(this.canvasHeight, clientHeight);
      this.offsetY = Math.round(this.canvasHeight - this.padding.bottom - layout.bottom);
      corrected = this.canvasHeight - clientHeight;
    }
    if (layout.rows.length > 0) {
      // Room kept for what is not laid out is the estimate, but never more than a share of the cap:
      // past the cap the scrollbar maps through the count (a jump), not through pixels.
      const reach = (pixels: number) => Math.min(pixels, maxCanvasHeight / 4);
      const roomAbove = layout.top + this.offsetY - this.padding.top;
      if (layout.reachesStart ? roomAbove !== 0 : roomAbove < 2 * clientHeight) {
        const above = layout.reachesStart ? 0 : reach((layout.first!.start / this.meanPerRow) * this.pitch);
        const delta = Math.round(above - roomAbove);
        if (layout.reachesStart || delta > 0) {
          this.offsetY += delta;
          corrected = Math.max(0, corrected + delta);
          this.canvasHeight += delta;
        }
      }
      const contentBottom = layout.bottom + this.offsetY + this.padding.bottom;
      if (layout.reachesEnd) this.canvasHeight = contentBottom;
      else if (this.canvasHeight - contentBottom < 2 * clientHeight) {
        this.canvasHeight = Math.round(
          contentBottom + reach(((this.count - layout.end) / this.meanPerRow) * this.pitch),
        );
      }
      if (this.canvasHeight > maxCanvasHeight) {
        // Over the cap the part above gives way: content and scroll position move up together.
        const movable = Math.min(
          this.canvasHeight - maxCanvasHeight,
          Math.max(0, layout.top + this.offsetY - this.padding.top - 2 * clientHeight),
        );
        this.offsetY -= movable;
        corrected -= movable;
        this.canvasHeight -= movable;
      }
      this.canvasHeight = Math.max(this.canvasHeight, clientHeight);
    }
    const waiting = waitDown ?? waitUp;
    const perScreen = this.rowsPerScreen(clientHeight) * this.meanPerRow;
    const from = Math.max(0, (waiting ?? layout.first?.start ?? layout.anchor) - perScreen * 2);
    const to = Math.min(this.count - 1, (waiting ?? layout.end) + perScreen * 2);
    const changed = corrected !== scrollTop;
    if (changed) this.lastScrollTop = corrected;
    return { scrollTop: changed ? corrected : null, want: [from, to] };
  }

  /**
   * A scroll that outran the fetching (a fast wheel, a held arrow key) leaves the laid-out rows
   * screens away from the viewport. Walking page after page to lay out what the user flew past
   * would keep the screen empty for seconds: instead the view re-anchors at the position the
   * distance stands for, and only what is on screen is fetched.
   */
  private catchUp(scrollTop: number, clientHeight: number): void {
    const layout = this.layout;
    if (layout.rows.length === 0) return;
    const gap = 2 * clientHeight;
    const top = layout.top + this.offsetY;
    const bottom = layout.bottom + this.offsetY;
    let index: number | null = null;
    if (scrollTop > bottom + gap && !layout.reachesEnd) {
      index = layout.end + Math.round(((scrollTop - bottom) / this.pitch) * this.meanPerRow);
    } else if (scrollTop + clientHeight < top - gap && !layout.reachesStart) {
      index = layout.first!.start - Math.round(((top - scrollTop) / this.pitch) * this.meanPerRow);
    }
    if (index === null) return;
    this.anchorAt(Math.max(0, Math.min(this.count - 1, index)), scrollTop);
  }

  private learn(): void {
    const rows = this.layout.rows;
    if (rows.length < 2) return;
    let height = 0;
    let images = 0;
    for (const row of rows) {
      height += row.height;
      images += row.widths.length;
    }
    this.meanRowHeight = height / rows.length;
    this.meanPerRow = Math.max(1, images / rows.length);
  }

  /**
   * Rows to draw for the viewport: laid-out rows, and loading rows where images are not fetched yet
   * (estimated size and count, so a jump shows the shape of what is coming at once).
   */
  visible(scrollTop: number, clientHeight: number): PlacedRow[] {
    const top = scrollTop - this.offsetY;
    const bottom = top + clientHeight;
    const layout = this.layout;
    const placed: PlacedRow[] = layout
      .rowsIn(top - clientHeight / 2, bottom + clientHeight / 2)
      .map((row) => ({ ...row, y: row.top + this.offsetY, loading: false }));
    const perRow = Math.max(1, Math.round(this.meanPerRow));
    const width = Math.floor((this.geometry.width - (perRow - 1) * this.geometry.gap) / perRow);
    const filler = (start: number, y: number): PlacedRow => ({
      start,
      widths: Array.from({ length: Math.min(perRow, this.count - start) }, () => width),
      height: this.geometry.targetHeight,
      top: y - this.offsetY,
      y,
      loading: true,
    });
    if (layout.rows.length === 0) {
      let start = this.layout.anchor;
      for (let y = Math.max(this.offsetY, scrollTop); y < scrollTop + clientHeight && start < this.count;) {
        placed.push(filler(start, y));
        start += perRow;
        y += this.geometry.targetHeight + this.geometry.gap;
      }
      return placed;
    }
    let start = layout.end;
    for (let y = layout.bottom + this.offsetY + this.geometry.gap; y < scrollTop + clientHeight;) {
      if (start >= this.count) break;
      placed.push(filler(start, y));
      start += perRow;
      y += this.geometry.targetHeight + this.geometry.gap;
    }
    let end = layout.first!.start;
    for (let y = layout.top + this.offsetY - this.geometry.gap; y > scrollTop && end > 0;) {
      y -= this.geometry.targetHeight;
      const from = Math.max(0, end - perRow);
      placed.unshift({ ...filler(from, y), widths: filler(from, y).widths.slice(0, end - from) });
      end = from;
      y -= this.geometry.gap;
    }
    return placed;
  }

  /** The first image whose row is at least half on screen: what re-anchoring keeps in place. */
  firstVisible(scrollTop: number): { index: number; y: number } {
    const top = scrollTop - this.offsetY;
    const row = this.layout.rows.find((r) => r.top + r.height / 2 >= top);
    return row
      ? { index: row.start, y: row.top + this.offsetY }
      : { index: this.layout.anchor, y: scrollTop };
  }
}
