import type { ImageRecord } from '../../../../shared/api/library.ts';
import { InlineAddForm } from '../../app/inline-add-form.tsx';
import { call } from '../../bridge/api.ts';
import { useDetail } from './detail-store.ts';

export function ImageTags({ record }: { record: ImageRecord }) {
  const act = useDetail((state) => state.act);
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
      <InlineAddForm
        label="New tag"
        placeholder="Add a tag"
        button="Add tag"
        onAdd={(name) => act(() => call('library:tag', { ids: [record.id], tags: [name] }))}
      />
    </div>
  );
}

export function ImageCollections({ record }: { record: ImageRecord }) {
  const collections = useDetail((state) => state.collections);
  const act = useDetail((state) => state.act);
  const loadCollections = useDetail((state) => state.loadCollections);
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
      <InlineAddForm
        label="New collection name"
        placeholder="New collection"
        button="Create and add"
        onAdd={(name) =>
          act(async () => {
            const created = await call('library:createCollection', { name });
            await call('library:addToCollection', { id: created.id, ids: [record.id] });
          }, `Added to ${name}.`).then(loadCollections)
        }
      />
    </div>
  );
}
