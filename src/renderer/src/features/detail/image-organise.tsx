import { useState } from 'react';
import type { ImageRecord } from '../../../../shared/api/library.ts';
import { call } from '../../bridge/api.ts';
import { useDetail } from './detail-store.ts';

export function ImageTags({ record }: { record: ImageRecord }) {
  const act = useDetail((state) => state.act);
  const [tag, setTag] = useState('');
  return (
    <div className="detail-section">
      <h3>Tags</h3>
      <ul className="chip-list" aria-label="Tags">
        {record.tags.length === 0 && <li className="muted">No tags yet.</li>}
        {record.tags.map((name) => (
          <li key={name} className="chip">
            #{name}
            <button
              type="button"
              className="chip-remove"
              aria-label={`Remove tag ${name}`}
              onClick={() => void act(() => call('library:untag', { ids: [record.id], tags: [name] }))}
            >
              ✕
            </button>
          </li>
        ))}
      </ul>
      <form
        className="inline-row"
        onSubmit={(event) => {
          event.preventDefault();
          const name = tag.trim();
          if (!name) return;
          void act(() => call('library:tag', { ids: [record.id], tags: [name] })).then(() => setTag(''));
        }}
      >
        <label htmlFor="detail-tag" className="visually-hidden">
          New tag
        </label>
        <input
          id="detail-tag"
          className="input input-small"
          placeholder="Add a tag"
          value={tag}
          onChange={(event) => setTag(event.target.value)}
        />
        <button type="submit" className="btn btn-small" disabled={!tag.trim()}>
          Add tag
        </button>
      </form>
    </div>
  );
}

export function ImageCollections({ record }: { record: ImageRecord }) {
  const collections = useDetail((state) => state.collections);
  const act = useDetail((state) => state.act);
  const loadCollections = useDetail((state) => state.loadCollections);
  const [name, setName] = useState('');
  const member = new Set(record.collections.map((collection) => collection.id));
  return (
    <div className="detail-section">
      <h3>Collections</h3>
      {collections.length === 0 && <p className="muted">No collections yet: name one below.</p>}
      <ul className="collection-list">
        {collections.map((collection) => (
          <li key={collection.id}>
            <label>
              <input
                type="checkbox"
                checked={member.has(collection.id)}
                onChange={(event) =>
                  void act(() =>
                    call(event.target.checked ? 'library:addToCollection' : 'library:removeFromCollection', {
                      id: collection.id,
                      ids: [record.id],
                    }),
                  ).then(loadCollections)
                }
              />{' '}
              {collection.name}
            </label>
          </li>
        ))}
      </ul>
      <form
        className="inline-row"
        onSubmit={(event) => {
          event.preventDefault();
          const trimmed = name.trim();
          if (!trimmed) return;
          void act(async () => {
            const created = await call('library:createCollection', { name: trimmed });
            await call('library:addToCollection', { id: created.id, ids: [record.id] });
          }, `Added to ${trimmed}.`)
            .then(loadCollections)
            .then(() => setName(''));
        }}
      >
        <label htmlFor="detail-collection" className="visually-hidden">
          New collection name
        </label>
        <input
          id="detail-collection"
          className="input input-small"
          placeholder="New collection"
          value={name}
          onChange={(event) => setName(event.target.value)}
        />
        <button type="submit" className="btn btn-small" disabled={!name.trim()}>
          Create and add
        </button>
      </form>
    </div>
  );
}
