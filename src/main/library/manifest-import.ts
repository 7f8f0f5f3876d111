import type Database from 'better-sqlite3';
import { addTags } from './library-actions.ts';
import type { ManifestImage } from './export-sidecars.ts';
import { lineageFromParams, withMappedRefs } from './lineage-refs.ts';
import { restoreEdges, type StoredEdge } from './lineage.ts';

/** One image of our own export as it landed: its id and bytes here, and what the export said. */
export interface Landed {
  id: string;
  sha256: string;
  /** False when the library had it already: its state is merged, not replaced. */
  inserted: boolean;
  meta: ManifestImage;
}

/**
 * Gives imported images the state they had where they were exported: favourite, rating, trash, tags,
 * collections (by name, created when missing) and lineage, with parents found among the images of
 * this import by their exported id, or by their bytes. An image the library had already keeps what
 * it has and gains what the export adds (a favourite, a higher rating, more tags and collections),
 * so an import never takes anything away. Returns the ids whose state changed.
 */
export function applyManifest(db: Database.Database, landed: Landed[], now: number): string[] {
  // The export's ids and hashes -> this library's, for lineage and for remix refs in params.
  const ids = new Map<string, string>();
  const shas = new Map<string, string>();
  for (const image of landed) {
    if (image.meta.id) ids.set(image.meta.id, image.id);
    if (image.meta.sha256 && image.meta.sha256 !== image.sha256) shas.set(image.meta.sha256, image.sha256);
  }
  const pkOf = db.prepare<[string], number>('SELECT pk FROM images WHERE id = ?').pluck();
  const shaOf = db.prepare<[string], string>('SELECT sha256 FROM images WHERE id = ?').pluck();
  const setState = db.prepare(
    `UPDATE images SET favorite = ?, rating = ?, trashed_at = ?, params = ? WHERE id = ?`,
  );
  const mergeState = db.prepare(
    'UPDATE images SET favorite = max(favorite, ?), rating = max(rating, ?) WHERE id = ?',
  );
  const readParams = db.prepare<[string], string>('SELECT params FROM images WHERE id = ?').pluck();
  const makeCollection = db.prepare(
    'INSERT INTO collections (name, created_at) VALUES (?, ?) ON CONFLICT (name) DO NOTHING',
  );
  const joinCollection = db.prepare(
    `INSERT INTO collection_images (collection_id, image_pk, added_at)
     SELECT c.id, ?, ? FROM collections c WHERE c.name = ? ON CONFLICT DO NOTHING`,
  );
  const changed: string[] = [];
  db.transaction(() => {
    for (const image of landed) {
      const { meta } = image;
      const pk = pkOf.get(image.id);
      if (pk === undefined) continue;
      if (image.inserted) {
        const params = JSON.parse(readParams.get(image.id) ?? '{}') as Record<string, unknown>;
        setState.run(
          meta.favorite ? 1 : 0,
          meta.rating,
          meta.trashedAt,
          JSON.stringify(withMappedRefs(params, shas)),
          image.id,
        );
      } else {
        mergeState.run(meta.favorite ? 1 : 0, meta.rating, image.id);
      }
      if (meta.tags.length > 0) addTags(db, [image.id], meta.tags);
      for (const name of meta.collections) {
        makeCollection.run(name, now);
        joinCollection.run(pk, now, name);
      }
      const edges: StoredEdge[] = (
        meta.lineage.length > 0
          ? meta.lineage
          : lineageFromParams(meta.params).map((e) => ({ ...e, parentId: null }))
      ).map((edge) => {
        const parentId = edge.parentId ? ids.get(edge.parentId) : undefined;
        const parentPk = parentId === undefined ? null : (pkOf.get(parentId) ?? null);
        const sha256 = parentId
          ? (shaOf.get(parentId) ?? edge.sha256)
          : (shas.get(edge.sha256) ?? edge.sha256);
        return { role: edge.role, position: edge.position, sha256, parentPk };
      });
      restoreEdges(db, image.id, edges);
      changed.push(image.id);
    }
  })();
  return changed;
}
