import { useEffect, useRef, useState, type RefObject } from 'react';
import type { LibrarySort } from '../../../../shared/api/library.ts';
import { modelIds, models } from '../../../../shared/models/index.ts';
import { useFilterChoices } from './filter-choices.ts';
import { TextCheckFilter } from '../text-check/text-check-filter.tsx';
import { defaultFilters, tileSizes, useLibrary, type LibraryFilters } from './library-store.ts';

interface FilterSelectProps {
  label: string;
  value: string;
  options: { value: string; label: string }[];
  onChange(value: string): void;
}

function FilterSelect({ label, value, options, onChange }: FilterSelectProps) {
  return (
    <select
      aria-label={label}
      className="select"
      value={value}
      onChange={(event) => onChange(event.target.value)}
    >
      {options.map((option) => (
        <option key={option.value} value={option.value}>
          {option.label}
        </option>
      ))}
    </select>
  );
}

/** `/` (outside a text field) and Ctrl/Cmd+K put the cursor in the search box, as in most apps. */
function useSearchShortcut(input: RefObject<HTMLInputElement | null>) {
  useEffect(() => {
    const onKey = (event: globalThis.KeyboardEvent) => {
      const target = event.target as HTMLElement | null;
      const typing =
        target?.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target?.tagName ?? '');
      const slash = event.key === '/' && !typing && !event.ctrlKey && !event.metaKey && !event.altKey;
      const commandK = event.key.toLowerCase() === 'k' && (event.ctrlKey || event.metaKey) && !event.altKey;
      // A modal dialog has the page to itself.
      if ((!slash && !commandK) || document.querySelector('dialog[open]')) return;
      event.preventDefault();
      input.current?.focus();
      input.current?.select();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [input]);
}

function TileSize() {
  const tileSize = useLibrary((state) => state.tileSize);
  const setTileSize = useLibrary((state) => state.setTileSize);
  return (
    <label className="toolbar-check tile-size" title="Tile size">
      <span aria-hidden="true">▪</span>
      <input
        type="range"
        aria-label="Tile size"
        min={tileSizes.min}
        max={tileSizes.max}
        step={10}
        value={tileSize}
        onChange={(event) => setTileSize(Number(event.target.value))}
      />
      <span aria-hidden="true">■</span>
    </label>
  );
}

export function LibraryToolbar() {
  const filters = useLibrary((state) => state.filters);
  const setFilters = useLibrary((state) => state.setFilters);
  const searchInput = useRef<HTMLInputElement>(null);
  useSearchShortcut(searchInput);
  const [search, setSearch] = useState(filters.search);
  const [appliedSearch, setAppliedSearch] = useState(filters.search);
  const { tags, collections } = useFilterChoices();

  // "Clear filters" resets the search elsewhere: the box follows it.
  if (appliedSearch !== filters.search) {
    setAppliedSearch(filters.search);
    setSearch(filters.search);
  }
  useEffect(() => {
    if (search === useLibrary.getState().filters.search) return;
    const timer = setTimeout(() => setFilters({ search }), 250);
    return () => clearTimeout(timer);
  }, [search, setFilters]);

  const filtered = (Object.keys(defaultFilters) as (keyof LibraryFilters)[]).some(
    (key) =>
      key !== 'sort' && key !== 'trashed' && key !== 'negative' && filters[key] !== defaultFilters[key],
  );

  return (
    <div className="library-toolbar">
      <div className="view-switch" role="group" aria-label="View">
        <button
          type="button"
          className={`btn btn-small ${filters.trashed ? '' : 'btn-active'}`}
          aria-pressed={!filters.trashed}
          onClick={() => setFilters({ trashed: false })}
        >
          Images
        </button>
        <button
          type="button"
          className={`btn btn-small ${filters.trashed ? 'btn-active' : ''}`}
          aria-pressed={filters.trashed}
          onClick={() => setFilters({ trashed: true })}
        >
          Trash
        </button>
      </div>
      <label className="toolbar-search">
        <span className="visually-hidden">Search</span>
        <input
          ref={searchInput}
          className="input"
          type="search"
          placeholder="Search prompts, tags, collections…  ( / )"
          value={search}
          onChange={(event) => setSearch(event.target.value)}
          onKeyDown={(event) => {
            if (event.key === 'Enter') setFilters({ search });
            // Down or Escape hands the keyboard to the results, where Enter opens the focused one.
            if (event.key === 'ArrowDown' || (event.key === 'Escape' && search === '')) {
              event.preventDefault();
              document.querySelector<HTMLElement>('[role="grid"][aria-label="Library"]')?.focus();
            }
          }}
        />
      </label>
      <label
        className="toolbar-check"
        title="Also look in what images were told to leave out (or type negative:word to look only there)"
      >
        <input
          type="checkbox"
          checked={filters.negative}
          onChange={(event) => setFilters({ negative: event.target.checked })}
        />
        Negatives too
      </label>
      <label className="toolbar-check">
        <input
          type="checkbox"
          checked={filters.favorite}
          onChange={(event) => setFilters({ favorite: event.target.checked })}
        />
        Favourites only
      </label>
      <FilterSelect
        label="Model"
        value={filters.model}
        options={[
          { value: '', label: 'All models' },
          ...modelIds.map((id) => ({ value: id, label: models[id].label })),
        ]}
        onChange={(model) => setFilters({ model })}
      />
      <FilterSelect
        label="Minimum rating"
        value={String(filters.minRating)}
        options={[
          { value: '0', label: 'Any rating' },
          ...[1, 2, 3, 4, 5].map((stars) => ({
            value: String(stars),
            label: `${'★'.repeat(stars)} or more`,
          })),
        ]}
        onChange={(value) => setFilters({ minRating: Number(value) })}
      />
      <FilterSelect
        label="Shape"
        value={filters.orientation}
        options={[
          { value: '', label: 'Any shape' },
          { value: 'landscape', label: 'Landscape' },
          { value: 'portrait', label: 'Portrait' },
          { value: 'square', label: 'Square' },
        ]}
        onChange={(value) => setFilters({ orientation: value as LibraryFilters['orientation'] })}
      />
      <TextCheckFilter />
      {tags.length > 0 && (
        <FilterSelect
          label="Tag"
          value={filters.tag}
          options={[
            { value: '', label: 'Any tag' },
            ...tags.map((tag) => ({ value: tag, label: `#${tag}` })),
          ]}
          onChange={(tag) => setFilters({ tag })}
        />
      )}
      {collections.length > 0 && (
        <FilterSelect
          label="Collection"
          value={filters.collectionId === null ? '' : String(filters.collectionId)}
          options={[
            { value: '', label: 'All collections' },
            ...collections.map((c) => ({ value: String(c.id), label: `${c.name} (${c.count})` })),
          ]}
          onChange={(value) => setFilters({ collectionId: value ? Number(value) : null })}
        />
      )}
      <FilterSelect
        label="Sort"
        value={filters.sort}
        options={[
          { value: 'newest', label: 'Newest first' },
          { value: 'oldest', label: 'Oldest first' },
          { value: 'rating', label: 'Best rated' },
        ]}
        onChange={(value) => setFilters({ sort: value as LibrarySort })}
      />
      <TileSize />
      {filtered && (
        <button
          type="button"
          className="btn btn-small"
          onClick={() => setFilters({ ...defaultFilters, trashed: filters.trashed, sort: filters.sort })}
        >
          Clear filters
        </button>
      )}
    </div>
  );
}
