import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../../../main/simulator/seeded-random.ts';
import { GridView, maxCanvasHeight } from './grid-view.ts';

const geometry = { width: 1200, targetHeight: 200, gap: 6 };
const padding = { top: 6, bottom: 72, left: 6 };
const clientHeight = 900;

function aspectsOf(seed: number) {
  console.log(`grid-view seed ${seed}`);
  const random = mulberry32(seed);
  const shapes = [16 / 9, 9 / 16, 1, 4 / 3, 3 / 4, 2, 0.5];
  const cache = new Map<number, number>();
  // Every position has a shape, as if every page were fetched: the view's own mapping is tested.
  return (index: number) => {
    let aspect = cache.get(index);
    if (aspect === undefined) cache.set(index, (aspect = shapes[Math.floor(random() * shapes.length)]!));
    return aspect;
  };
}

/** Scrolls like a browser: clamps to the canvas, tells the view, applies its corrections. */
function scroller(view: GridView, aspectAt: (i: number) => number) {
  let scrollTop = 0;
  const settle = () => {
    for (let i = 0; i < 5; i++) {
      const { scrollTop: corrected } = view.update(aspectAt, scrollTop, clientHeight);
      if (corrected === null) break;
      scrollTop = Math.min(corrected, Math.max(0, view.canvasHeight - clientHeight));
    }
  };
  settle();
  return {
    get top() {
      return scrollTop;
    },
    to(y: number) {
      scrollTop = Math.max(0, Math.min(y, view.canvasHeight - clientHeight));
      view.scrolled(scrollTop, clientHeight);
      settle();
    },
    by(dy: number) {
      this.to(scrollTop + dy);
    },
    shown() {
      return view
        .visible(scrollTop, clientHeight)
        .filter((row) => !row.loading && row.y + row.height > scrollTop && row.y < scrollTop + clientHeight);
    },
  };
}

describe('grid view', () => {
  it('reaches every image of a million, both ends, with a canvas under the browser limit', () => {
    const count = 1_000_000;
    const view = new GridView(geometry, count, padding);
    const s = scroller(view, aspectsOf(21));
    expect(s.shown()[0]?.start).toBe(0);
    expect(s.shown()[0]?.y).toBe(padding.top);
    s.to(view.canvasHeight);
    const last = s.shown().at(-1)!;
    expect(last.start + last.widths.length).toBe(count);
    expect(last.y + last.height + padding.bottom).toBe(view.canvasHeight);
    expect(view.canvasHeight).toBeLessThanOrEqual(maxCanvasHeight);
    // A drag to the middle lands in the middle of the list, whatever the pixel height of it all.
    s.to(view.canvasHeight / 2);
    const middle = s.shown()[0]!.start;
    expect(Math.abs(middle - count / 2)).toBeLessThan(count * 0.01);
    s.to(0);
    expect(s.shown()[0]?.start).toBe(0);
  });

  it('moves rows by exactly the pixels scrolled, without re-laying what is on screen', () => {
    const view = new GridView(geometry, 100_000, padding);
    const s = scroller(view, aspectsOf(4));
    s.to(view.canvasHeight * 0.3);
    const before = s.shown()[1]!;
    s.by(250);
    const after = s.shown().find((row) => row.start === before.start)!;
    expect(after.y).toBe(before.y);
    expect(after.widths).toEqual(before.widths);
  });

  it('scrolls by wheel from a jump back up to the first image', () => {
    const view = new GridView(geometry, 20_000, padding);
    const s = scroller(view, aspectsOf(9));
    s.to(view.canvasHeight * 0.05);
    for (let i = 0; i < 2_000 && s.top > 0; i++) s.by(-900);
    expect(s.shown()[0]?.start).toBe(0);
    expect(s.shown()[0]?.y).toBe(padding.top);
  });

  it('scrolls by wheel down to the last image', () => {
    const view = new GridView(geometry, 5_000, padding);
    const s = scroller(view, aspectsOf(10));
    for (let i = 0; i < 5_000; i++) s.by(900);
    const last = s.shown().at(-1)!;
    expect(last.start + last.widths.length).toBe(5_000);
  });

  it('shows loading rows where images are not fetched yet, and asks for them', () => {
    const view = new GridView(geometry, 50_000, padding);
    const aspects = aspectsOf(2);
    const known = (i: number) => (i < 200 ? aspects(i) : undefined);
    view.update(known, 0, clientHeight);
    view.scrolled(view.canvasHeight / 2, clientHeight);
    const { want } = view.update(known, view.canvasHeight / 2, clientHeight);
    const rows = view.visible(view.canvasHeight / 2, clientHeight);
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((row) => row.loading)).toBe(true);
    expect(want[0]).toBeLessThanOrEqual(rows[0]!.start);
    expect(want[1]).toBeGreaterThanOrEqual(rows.at(-1)!.start);
  });
});
