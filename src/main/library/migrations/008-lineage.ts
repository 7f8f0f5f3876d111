import { lineageFromParams } from '../lineage-refs.ts';
import type { Migration } from './types.ts';

/**
 * Lineage: which images an image was made from. A remix names its source and style images in its
 * params as `local:<sha256>` (a library image or a file added as a source); a variation's job names
 * its parent job (jobs.parent_id), whose images are the parents.
 *
 * `parent_sha256` is always the parent's bytes, so an edge survives the parent being deleted (the
 * detail view then says "a source no longer in the library"); `parent_pk` points at the library
 * image when there is one, and falls to NULL when that image is deleted for good. Edges are kept per
 * (child, role, position), as the params list them.
 */
export const m008: Migration = {
  version: 8,
  name: 'lineage',
  up(db) {
    db.exec(`
      CREATE TABLE image_lineage (
        child_pk INTEGER NOT NULL REFERENCES images (pk) ON DELETE CASCADE,
        role TEXT NOT NULL CHECK (role IN ('source', 'style', 'variation')),
        position INTEGER NOT NULL CHECK (position >= 0),
        parent_sha256 TEXT NOT NULL CHECK (length(parent_sha256) = 64),
        parent_pk INTEGER REFERENCES images (pk) ON DELETE SET NULL,
        CHECK (parent_pk IS NULL OR parent_pk != child_pk),
        PRIMARY KEY (child_pk, role, position)
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX image_lineage_parent ON image_lineage (parent_pk) WHERE parent_pk IS NOT NULL;
      CREATE INDEX image_lineage_sha ON image_lineage (parent_sha256);
    `);
    // Images made before this version: remix sources from their params, variations from their jobs.
    const insert = db.prepare(
      `INSERT OR IGNORE INTO image_lineage (child_pk, role, position, parent_sha256, parent_pk)
       VALUES (?, ?, ?, ?, (SELECT pk FROM images WHERE sha256 = ? AND pk != ? ORDER BY trashed_at IS NOT NULL, pk LIMIT 1))`,
    );
    // Read whole before writing: a statement cannot insert while another still walks the table.
    const remixes = db
      .prepare<[], { pk: number; params: string }>(
        `SELECT pk, params FROM images WHERE params LIKE '%local:%'`,
      )
      .all();
    for (const row of remixes) {
      const params = JSON.parse(row.params) as Record<string, unknown>;
      for (const edge of lineageFromParams(params)) {
        insert.run(row.pk, edge.role, edge.position, edge.sha256, edge.sha256, row.pk);
      }
    }
    db.exec(`
      INSERT OR IGNORE INTO image_lineage (child_pk, role, position, parent_sha256, parent_pk)
      SELECT child.pk, 'variation', parent.output_index, parent.sha256, parent.pk
      FROM images child
      JOIN jobs j ON j.id = child.job_id
      JOIN images parent ON parent.job_id = j.parent_id
      WHERE j.parent_id IS NOT NULL AND parent.output_index IS NOT NULL AND parent.pk != child.pk
    `);
  },
};
