/**
 * Justified rows (as in Lightroom's or Flickr's grid): each row holds images at their own aspect
 * ratio, scaled to one height so the row fills the width exactly. Nothing is cropped, so a 16:9
 * poster shows its whole headline.
 *
 * Why anchored, not laid out from the top: where row N breaks depends on every image before it, so a
 * layout from index 0 would need the sizes of every earlier image, and at a million images a jump
 * to the end would need them all. Instead the layout starts at an anchor index (where the view
 * landed) and grows rows forward and backward from there, only over images already fetched. Rows
 * above the anchor break differently than they would from the top; nobody can tell, because a row
 * once laid out is never changed while it is on screen. Scroll position and index are tied together
 * by the count (see scroll-map.ts), not by summing row heights.
 */

export interface Row {
  /** Index of the first image in the row. */
  start: number;
  /** Width of each image, in order; the row holds widths.length images. */
  widths: number[];
  height: number;
  /** Top edge in the layout's own coordinates (the anchor row is at 0). */
  top: number;
}

export interface RowGeometry {
  /** Inner width the images and gaps share. */
  width: number;
  /** The height a row aims at; the tile-size control sets it. */
  targetHeight: number;
  gap: number;
}

/** Returns an image's aspect ratio (width / height), or undefined when it is not fetched yet. */
export type AspectAt = (index: number) => number | undefined;

/** Very wide or tall images still get a usable tile: they are letterboxed inside it instead. */
export function clampAspect(aspect: number): number {
  return Math.min(3, Math.max(1 / 3, aspect));
}

/**
 * Collects images from `from` in `step` direction until they fill the width at the target height.
 * Returns the indexes in display order and whether the row is full (false at the end of the list),
 * or null when an image it needs is not fetched yet.
 */
function collect(
  aspectAt: AspectAt,
  from: number,
  step: 1 | -1,
  count: number,
  geometry: RowGeometry,
): { aspects: number[]; full: boolean } | null {
  const aspects: number[] = [];
  let sum = 0;
  for (let i = from; i >= 0 && i < count; i += step) {
    const aspect = aspectAt(i);
    if (aspect === undefined) return null;
    aspects.push(clampAspect(aspect));
    sum += clampAspect(aspect);
    const natural = sum * geometry.targetHeight + (aspects.length - 1) * geometry.gap;
    if (natural >= geometry.width) return { aspects: step === 1 ? aspects : aspects.reverse(), full: true };
  }
  if (aspects.length === 0) return null;
  return { aspects: step === 1 ? aspects : aspects.reverse(), full: false };
}

/** How much taller than the target a short first row may grow to fill the width. */
const maxStretch = 1.5;

function sized(
  aspects: number[],
  full: boolean,
  geometry: RowGeometry,
  stretch = false,
): { widths: number[]; height: number } {
  const sum = aspects.reduce((a, b) => a + b, 0);
  const gaps = (aspects.length - 1) * geometry.gap;
  const fill = (geometry.width - gaps) / sum;
  // A short last row keeps the target height instead of blowing up to fill the width; a short first
  // row (backward layout reaching index 0) fills it if that needs little stretching.
  if (!full && stretch && fill <= geometry.targetHeight * maxStretch) full = true;
  const height = full ? Math.max(1, fill) : geometry.targetHeight;
  // Widths are rounded so cells sit on whole pixels; the last one takes what rounding left.
  const widths = aspects.map((a) => Math.max(1, Math.floor(a * height)));
  if (full) {
    const used = widths.reduce((a, b) => a + b, 0) + gaps;
    widths[widths.length - 1] = Math.max(1, widths.at(-1)! + Math.round(geometry.width - used));
  }
  return { widths, height: Math.round(height) };
}

/** The row that starts at `start`, or null if its images are not all fetched. */
export function rowForward(aspectAt: AspectAt, start: number, count: number, geometry: RowGeometry) {
  const found = collect(aspectAt, start, 1, count, geometry);
  if (!found) return null;
  return { start, ...sized(found.aspects, found.full, geometry) };
}

/** The row that ends just before `end`, filled backward. */
export function rowBackward(aspectAt: AspectAt, end: number, count: number, geometry: RowGeometry) {
  const found = collect(aspectAt, end - 1, -1, count, geometry);
  if (!found) return null;
  const start = end - found.aspects.length;
  return { start, ...sized(found.aspects, found.full, geometry, end < count) };
}

/**
 * Rows laid out around an anchor, grown on demand in both directions. `rows` is contiguous: each row
 * starts where the previous one ended, and tops increase by height + gap.
 */
export class AnchoredLayout {
  readonly rows: Row[] = [];
  readonly anchor: number;
  readonly count: number;
  readonly geometry: RowGeometry;

  /**
   * `fromEnd` lays the anchor row out backward from `anchor` (exclusive), for a view that landed at
   * the very end: the last image then closes the last row, as it would scrolling down to it.
   */
  constructor(anchor: number, count: number, geometry: RowGeometry, fromEnd = false) {
    this.anchor = Math.max(0, Math.min(anchor, count));
    this.count = count;
    this.geometry = geometry;
    this.fromEnd = fromEnd;
  }

  private readonly fromEnd: boolean;

  get first(): Row | undefined {
    return this.rows[0];
  }

  get last(): Row | undefined {
    return this.rows.at(-1);
  }

  /** Index after the last laid-out image. */
  get end(): number {
    const last = this.last;
    return last ? last.start + last.widths.length : this.anchor;
  }

  get top(): number {
    return this.first?.top ?? 0;
  }

  get bottom(): number {
    const last = this.last;
    return last ? last.top + last.height : 0;
  }

  get reachesStart(): boolean {
    return this.first?.start === 0;
  }

  get reachesEnd(): boolean {
    return this.end >= this.count;
  }

  /** Adds rows below until they reach `bottom`; returns the index it waits for, if any. */
  growDown(aspectAt: AspectAt, bottom: number): number | null {
    if (this.rows.length === 0) {
      const waiting = this.seed(aspectAt);
      if (waiting !== null || this.rows.length === 0) return waiting;
    }
    while (this.bottom < bottom && !this.reachesEnd) {
      const row = rowForward(aspectAt, this.end, this.count, this.geometry);
      if (!row) return this.end;
      this.rows.push({ ...row, top: this.bottom + this.geometry.gap });
    }
    return null;
  }

  /** Adds rows above until they reach `top`; returns the index it waits for, if any. */
  growUp(aspectAt: AspectAt, top: number): number | null {
    if (this.rows.length === 0) {
      const waiting = this.seed(aspectAt);
      if (waiting !== null || this.rows.length === 0) return waiting;
    }
    while (this.top > top && !this.reachesStart) {
      const first = this.first!;
      const row = rowBackward(aspectAt, first.start, this.count, this.geometry);
      if (!row) return first.start - 1;
      this.rows.unshift({ ...row, top: first.top - this.geometry.gap - row.height });
    }
    return null;
  }

  private seed(aspectAt: AspectAt): number | null {
    if (this.count === 0) return null;
    const row = this.fromEnd
      ? rowBackward(aspectAt, this.count, this.count, this.geometry)
      : rowForward(aspectAt, Math.min(this.anchor, this.count - 1), this.count, this.geometry);
    if (!row) return this.fromEnd ? this.count - 1 : this.anchor;
    this.rows.push({ ...row, top: 0 });
    return null;
  }

  /** Drops rows far outside [top, bottom], keeping the rows array small however far one scrolls. */
  trim(top: number, bottom: number): void {
    while (this.rows.length > 1 && this.rows[1]!.top + this.rows[1]!.height < top) this.rows.shift();
    while (this.rows.length > 1 && this.rows.at(-2)!.top > bottom) this.rows.pop();
  }

  /** The row holding `index`, if laid out. Binary search: rows are sorted by start. */
  rowOf(index: number): Row | undefined {
    let lo = 0;
    let hi = this.rows.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const row = this.rows[mid]!;
      if (index < row.start) hi = mid - 1;
      else if (index >= row.start + row.widths.length) lo = mid + 1;
      else return row;
    }
    return undefined;
  }

  /** Rows that overlap [top, bottom], by binary search on their tops. */
  rowsIn(top: number, bottom: number): Row[] {
    let lo = 0;
    let hi = this.rows.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const row = this.rows[mid]!;
      if (row.top + row.height < top) lo = mid + 1;
      else hi = mid;
    }
    const out: Row[] = [];
    for (let i = lo; i < this.rows.length && this.rows[i]!.top <= bottom; i++) out.push(this.rows[i]!);
    return out;
  }

  /** Moves every row by dy, so the caller can re-base coordinates without re-laying anything. */
  shift(dy: number): void {
    for (const row of this.rows) row.top += dy;
  }
}
