import { describe, expect, it } from 'vitest';
import { clamped, fitted, panned, zoomedAt } from './zoom-math.ts';

const portrait = { width: 1536, height: 2048 };
const view = { width: 800, height: 600 };

describe('zoom', () => {
  it('fits the whole image, centred', () => {
    const fit = fitted(portrait, view);
    expect(fit.scale).toBeCloseTo(600 / 2048);
    expect(fit.y).toBe(0);
    expect(fit.x).toBeCloseTo((800 - 1536 * fit.scale) / 2);
  });

  it('keeps the point under the pointer in place while zooming', () => {
    const fit = fitted(portrait, view);
    const at = { x: 420, y: 300 };
    const imagePoint = { x: (at.x - fit.x) / fit.scale, y: (at.y - fit.y) / fit.scale };
    const zoomed = zoomedAt(fit, 3, at, portrait, view);
    expect(zoomed.scale).toBeCloseTo(fit.scale * 3);
    expect(zoomed.x + imagePoint.x * zoomed.scale).toBeCloseTo(at.x);
    expect(zoomed.y + imagePoint.y * zoomed.scale).toBeCloseTo(at.y);
    expect(zoomed.mode).toBe('free');
  });

  it('never lets the image be dragged out of the viewport', () => {
    const full = clamped({ scale: 1, x: 0, y: 0, mode: 'free' }, portrait, view);
    const far = panned(full, 5_000, -5_000, portrait, view);
    expect(far.x).toBe(0);
    expect(far.y).toBe(600 - 2048);
    // Smaller than the viewport along an axis: centred there, whatever the drag.
    const small = panned({ scale: 0.1, x: 0, y: 0, mode: 'free' }, 300, 300, portrait, view);
    expect(small.x).toBeCloseTo((800 - 153.6) / 2);
  });
});
