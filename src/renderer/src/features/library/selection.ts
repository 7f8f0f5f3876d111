export interface Selection {
  selected: Set<string>;
  /** Where a shift range starts: the last item clicked without shift. */
  anchor: number | null;
}

/**
 * The file-manager rules: a click selects one item, ctrl/cmd toggles one, shift selects the range
 * from the anchor (ctrl+shift adds the range to what was selected). Null when the index is not loaded.
 */
export function nextSelection(
  idAt: (index: number) => string | undefined,
  { selected, anchor }: Selection,
  index: number,
  how: { range: boolean; toggle: boolean },
): Selection | null {
  const id = idAt(index);
  if (id === undefined) return null;
  if (how.range && anchor !== null) {
    const next = how.toggle ? new Set(selected) : new Set<string>();
    const [from, to] = anchor < index ? [anchor, index] : [index, anchor];
    for (let i = from; i <= to; i++) {
      const other = idAt(i);
      if (other !== undefined) next.add(other);
    }
    return { selected: next, anchor };
  }
  if (how.toggle) {
    const next = new Set(selected);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    return { selected: next, anchor: index };
  }
  return { selected: new Set([id]), anchor: index };
}
