import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../../../main/simulator/seeded-random.ts';
import {
  AnchoredLayout,
  clampAspect,
  rowBackward,
  rowForward,
  type RowGeometry,
} from './justified-layout.ts';

const geometry: RowGeometry = { width: 1000, targetHeight: 200, gap: 6 };

function randomAspects(count: number, seed: number): number[] {
  console.log(`justified-layout seed ${seed}`);
  const random = mulberry32(seed);
  const shapes = [16 / 9, 9 / 16, 1, 4 / 3, 3 / 4, 2, 0.5, 1.5, 8, 0.1];
  return Array.from({ length: count }, () => shapes[Math.floor(random() * shapes.length)]!);
}

const rowWidth = (widths: number[]) => widths.reduce((a, b) => a + b, 0) + (widths.length - 1) * geometry.gap;

describe('justified rows', () => {
  it('fill the width exactly at the images own shapes, ending with a short row at the target height', () => {
    const aspects = randomAspects(500, 7);
    const layout = new AnchoredLayout(0, aspects.length, geometry);
    expect(layout.growDown((i) => aspects[i], Infinity)).toBeNull();
    expect(layout.reachesEnd).toBe(true);
    let next = 0;
    for (const [n, row] of layout.rows.entries()) {
      expect(row.start).toBe(next);
      next += row.widths.length;
      if (n < layout.rows.length - 1) {
        expect(rowWidth(row.widths)).toBe(geometry.width);
        expect(row.height).toBeLessThanOrEqual(geometry.targetHeight);
        // Each image keeps its shape (within rounding): nothing is cropped.
        row.widths.forEach((w, i) => {
          expect(Math.abs(w / row.height - clampAspect(aspects[row.start + i]!))).toBeLessThan(
            0.05 * (i + 1),
          );
        });
      } else {
        expect(row.height).toBe(geometry.targetHeight);
        expect(rowWidth(row.widths)).toBeLessThanOrEqual(geometry.width);
      }
      if (n > 0) {
        const above = layout.rows[n - 1]!;
        expect(row.top).toBe(above.top + above.height + geometry.gap);
      }
    }
    expect(next).toBe(aspects.length);
  });

  it('grow both ways from an anchor and cover every position exactly once', () => {
    const aspects = randomAspects(3_000, 12);
    const layout = new AnchoredLayout(1_777, aspects.length, geometry);
    layout.growDown((i) => aspects[i], 2_000);
    layout.growUp((i) => aspects[i], -Infinity);
    layout.growDown((i) => aspects[i], Infinity);
    expect(layout.reachesStart && layout.reachesEnd).toBe(true);
    expect(layout.rows.find((row) => row.top === 0)?.start).toBe(1_777);
    const covered = layout.rows.flatMap((row) => row.widths.map((_, i) => row.start + i));
    expect(covered).toEqual(aspects.map((_, i) => i));
    expect(layout.rowOf(0)?.start).toBe(0);
    expect(layout.rowOf(2_999)).toBe(layout.last);
    expect(layout.rowsIn(0, 1).map((row) => row.start)).toContain(1_777);
  });

  it('stop where an image is not fetched yet and say which one they wait for', () => {
    const aspects = randomAspects(1_000, 3);
    const known = (i: number) => (i >= 400 && i < 600 ? aspects[i] : undefined);
    const layout = new AnchoredLayout(450, aspects.length, geometry);
    const waitDown = layout.growDown(known, Infinity);
    expect(waitDown).toBeGreaterThanOrEqual(596);
    expect(waitDown).toBeLessThanOrEqual(600);
    const waitUp = layout.growUp(known, -Infinity);
    expect(waitUp).toBeGreaterThanOrEqual(399);
    expect(rowForward(known, 10, 1_000, geometry)).toBeNull();
  });

  it('anchored at the end, close the last row with the last image', () => {
    const aspects = randomAspects(777, 5);
    const layout = new AnchoredLayout(776, aspects.length, geometry, true);
    layout.growDown((i) => aspects[i], Infinity);
    expect(layout.end).toBe(777);
    expect(rowWidth(layout.last!.widths)).toBe(geometry.width);
    const back = rowBackward((i) => aspects[i], 3, 777, geometry)!;
    expect(back.start).toBe(0);
  });
});
