import { useLibrary, type LibraryFilters } from '../library/library-store.ts';

/** The library's text filter: the images whose quoted text needs a look, or those spelled right. */
export function TextCheckFilter() {
  const value = useLibrary((state) => state.filters.textStatus);
  const setFilters = useLibrary((state) => state.setFilters);
  return (
    <select
      aria-label="Text filter"
      className="select"
      value={value}
      onChange={(event) => setFilters({ textStatus: event.target.value as LibraryFilters['textStatus'] })}
    >
      <option value="">Text: any</option>
      <option value="attention">Text needs attention</option>
      <option value="ok">Text spelled right</option>
    </select>
  );
}
