import type { ImageSummary } from '../../../../shared/api/library.ts';

/** Pages are fetched at multiples of this, so a position always maps to the same request. */
export const pageSize = 200;

/**
 * The fetched part of one query's result, by position. A grid over a million images holds only the
 * pages near where the user is looking: holding every summary scrolled past is what made the page
 * use 359 MB at 1M. Positions are exact, so a page fetched at any offset drops into its place.
 */
export class ImageWindow {
  private readonly byIndex = new Map<number, ImageSummary>();
  /** Most summaries kept; beyond it the farthest from the view are dropped. */
  private readonly capacity: number;

  constructor(capacity = 4_000) {
    this.capacity = capacity;
  }

  get size(): number {
    return this.byIndex.size;
  }

  at(index: number): ImageSummary | undefined {
    return this.byIndex.get(index);
  }

  /** Position of a fetched image, or -1. Linear in what is held (a few thousand), not in the library. */
  indexOf(id: string): number {
    for (const [index, item] of this.byIndex) if (item.id === id) return index;
    return -1;
  }

  put(offset: number, items: readonly ImageSummary[]): void {
    items.forEach((item, i) => this.byIndex.set(offset + i, item));
  }

  /** Page numbers in [from, to] that have a position below `count` not fetched yet. */
  missingPages(from: number, to: number, count: number): number[] {
    const pages: number[] = [];
    const last = Math.min(to, count - 1);
    for (let page = Math.floor(Math.max(0, from) / pageSize); page * pageSize <= last; page++) {
      const end = Math.min((page + 1) * pageSize, count);
      for (let i = page * pageSize; i < end; i++) {
        if (!this.byIndex.has(i)) {
          pages.push(page);
          break;
        }
      }
    }
    return pages;
  }

  /** New images came in at the top: everything held moves down by `count` places. */
  insertAtTop(items: readonly ImageSummary[]): void {
    const moved = [...this.byIndex].map(([index, item]) => [index + items.length, item] as const);
    this.byIndex.clear();
    this.put(0, items);
    for (const [index, item] of moved) this.byIndex.set(index, item);
  }

  /**
   * Applies `patch` to the held images with these ids; an image it returns null for leaves the list
   * and the ones after it close up. Says how many held images had these ids (`touched`; when none
   * did, nothing was rebuilt and nothing on screen changed) and how many left.
   */
  patch(
    ids: ReadonlySet<string>,
    patch: (item: ImageSummary) => ImageSummary | null,
  ): { touched: number; removed: number } {
    let touched = 0;
    for (const item of this.byIndex.values()) if (ids.has(item.id)) touched++;
    if (touched === 0) return { touched, removed: 0 };
    const entries = [...this.byIndex].toSorted((a, b) => a[0] - b[0]);
    this.byIndex.clear();
    let removed = 0;
    for (const [index, item] of entries) {
      const next = ids.has(item.id) ? patch(item) : item;
      if (next === null) removed++;
      else this.byIndex.set(index - removed, next);
    }
    return { touched, removed };
  }

  /** Drops the summaries farthest from `center` once over capacity; the first page always stays. */
  evict(center: number): void {
    if (this.byIndex.size <= this.capacity) return;
    const far = [...this.byIndex.keys()]
      .filter((index) => index >= pageSize)
      .toSorted((a, b) => Math.abs(b - center) - Math.abs(a - center));
    for (const index of far.slice(0, this.byIndex.size - this.capacity)) this.byIndex.delete(index);
  }

  ids(): string[] {
    return [...this.byIndex.values()].map((item) => item.id);
  }
}
