import { useEffect, useState } from 'react';
import type { Collection, LibrarySort } from '../../../../shared/api/library.ts';
import { modelIds, models } from '../../../../shared/models/index.ts';
import { call } from '../../bridge/api.ts';
import { defaultFilters, useLibrary, type LibraryFilters } from './library-store.ts';

/** Tags and collections for the filter pickers, refreshed whenever the library changes. */
export function useFilterChoices(): { tags: string[]; collections: Collection[] } {
  const generation = useLibrary((state) => state.generation);
  const [choices, setChoices] = useState<{ tags: string[]; collections: Collection[] }>({
    tags: [],
    collections: [],
  });
  useEffect(() => {
    let live = true;
    void Promise.all([call('library:stats'), call('library:listCollections')]).then(
      ([stats, collections]) => live && setChoices({ tags: stats.tags.map((tag) => tag.name), collections }),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [generation]);
  return choices;
}

export function LibraryToolbar() {
  const filters = useLibrary((state) => state.filters);
  const setFilters = useLibrary((state) => state.setFilters);
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
    (key) => key !== 'sort' && key !== 'trashed' && filters[key] !== defaultFilters[key],
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
          className="input"
          type="search"
          placeholder="Search by words of the prompt…"
          value={search}
          onChange={(event) => setSearch(event.target.value)}
          onKeyDown={(event) => event.key === 'Enter' && setFilters({ search })}
        />
      </label>
      <label className="toolbar-check">
        <input
          type="checkbox"
          checked={filters.favorite}
          onChange={(event) => setFilters({ favorite: event.target.checked })}
        />
        Favourites only
      </label>
      <select
        aria-label="Model"
        className="select"
        value={filters.model}
        onChange={(event) => setFilters({ model: event.target.value })}
      >
        <option value="">All models</option>
        {modelIds.map((id) => (
          <option key={id} value={id}>
            {models[id].label}
          </option>
        ))}
      </select>
      <select
        aria-label="Minimum rating"
        className="select"
        value={filters.minRating}
        onChange={(event) => setFilters({ minRating: Number(event.target.value) })}
      >
        <option value={0}>Any rating</option>
        {[1, 2, 3, 4, 5].map((stars) => (
          <option key={stars} value={stars}>
            {'★'.repeat(stars)} or more
          </option>
        ))}
      </select>
      <select
        aria-label="Shape"
        className="select"
        value={filters.orientation}
        onChange={(event) => setFilters({ orientation: event.target.value as LibraryFilters['orientation'] })}
      >
        <option value="">Any shape</option>
        <option value="landscape">Landscape</option>
        <option value="portrait">Portrait</option>
        <option value="square">Square</option>
      </select>
      {tags.length > 0 && (
        <select
          aria-label="Tag"
          className="select"
          value={filters.tag}
          onChange={(event) => setFilters({ tag: event.target.value })}
        >
          <option value="">Any tag</option>
          {tags.map((tag) => (
            <option key={tag} value={tag}>
              #{tag}
            </option>
          ))}
        </select>
      )}
      {collections.length > 0 && (
        <select
          aria-label="Collection"
          className="select"
          value={filters.collectionId ?? ''}
          onChange={(event) =>
            setFilters({ collectionId: event.target.value ? Number(event.target.value) : null })
          }
        >
          <option value="">All collections</option>
          {collections.map((collection) => (
            <option key={collection.id} value={collection.id}>
              {collection.name} ({collection.count})
            </option>
          ))}
        </select>
      )}
      <select
        aria-label="Sort"
        className="select"
        value={filters.sort}
        onChange={(event) => setFilters({ sort: event.target.value as LibrarySort })}
      >
        <option value="newest">Newest first</option>
        <option value="oldest">Oldest first</option>
        <option value="rating">Best rated</option>
      </select>
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
