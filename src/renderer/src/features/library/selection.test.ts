import { describe, expect, it } from 'vitest';
import { nextSelection, type Selection } from './selection.ts';

const letters = ['a', 'b', 'c', 'd', 'e'];
const ids = (i: number) => letters[i];
const none: Selection = { selected: new Set(), anchor: null };
const plain = { range: false, toggle: false };
const ids_ = (selection: Selection | null) => [...(selection?.selected ?? [])].toSorted();

describe('nextSelection', () => {
  it('a click selects one item and becomes the anchor', () => {
    const after = nextSelection(ids, { selected: new Set(['a', 'b']), anchor: 0 }, 3, plain);
    expect(ids_(after)).toEqual(['d']);
    expect(after?.anchor).toBe(3);
  });

  it('shift selects the range from the anchor, either way', () => {
    const first = nextSelection(ids, none, 3, plain)!;
    expect(ids_(nextSelection(ids, first, 1, { range: true, toggle: false }))).toEqual(['b', 'c', 'd']);
    expect(ids_(nextSelection(ids, first, 4, { range: true, toggle: false }))).toEqual(['d', 'e']);
  });

  it('ctrl toggles one item and ctrl+shift adds a range', () => {
    const first = nextSelection(ids, none, 0, plain)!;
    const toggled = nextSelection(ids, first, 2, { range: false, toggle: true })!;
    expect(ids_(toggled)).toEqual(['a', 'c']);
    expect(ids_(nextSelection(ids, toggled, 2, { range: false, toggle: true }))).toEqual(['a']);
    expect(ids_(nextSelection(ids, toggled, 4, { range: true, toggle: true }))).toEqual(['a', 'c', 'd', 'e']);
  });

  it('ignores an index that is not loaded', () => {
    expect(nextSelection(ids, none, 9, plain)).toBeNull();
  });
});
