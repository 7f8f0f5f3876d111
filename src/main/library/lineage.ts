import type Database from 'better-sqlite3';
import type { Family, Lineage, LineageImage, LineageLink, LineageRole } from '../../shared/api/lineage.ts';
import { AppError } from '../../shared/rpc.ts';
import { lineageFromParams, type LineageEdge } from './lineage-refs.ts';
import { cached } from './statement-cache.ts';

const maxChildren = 200;
const maxFamily = 500;

/** An edge to store: the parent's bytes, and the library image they are when known. */
export interface StoredEdge extends LineageEdge {
  parentPk?: number | null;
}

function insertEdges(db: Database.Database, childPk: number, edges: StoredEdge[]): void {
  const insert = cached<[number, string, number, string, number | null, string, number], never>(
    db,
    `INSERT OR IGNORE INTO image_lineage (child_pk, role, position, parent_sha256, parent_pk)
     VALUES (?, ?, ?, ?, coalesce(?, (SELECT pk FROM images WHERE sha256 = ? AND pk != ?
       ORDER BY trashed_at IS NOT NULL, pk LIMIT 1)))`,
  );
  for (const edge of edges) {
    insert.run(childPk, edge.role, edge.position, edge.sha256, edge.parentPk ?? null, edge.sha256, childPk);
  }
}

/**
 * Records what a new image was made from: the images its params name, and for a variation the
 * images of the job it varies. Call inside the insert's transaction.
 */
export function recordLineage(
  db: Database.Database,
  childId: string,
  recipe: { params: Record<string, unknown>; parentJobId?: string | null },
): void {
  const childPk = cached<[string], number>(db, 'SELECT pk FROM images WHERE id = ?').pluck().get(childId);
  if (childPk === undefined) return;
  const edges: StoredEdge[] = lineageFromParams(recipe.params);
  if (recipe.parentJobId) {
    const parents = cached<[string], { pk: number; sha256: string; output_index: number | null }>(
      db,
      'SELECT pk, sha256, output_index FROM images WHERE job_id = ? ORDER BY output_index',
    ).all(recipe.parentJobId);
    parents.forEach((parent, i) =>
      edges.push({
        role: 'variation',
        position: parent.output_index ?? i,
        sha256: parent.sha256,
        parentPk: parent.pk,
      }),
    );
  }
  insertEdges(db, childPk, edges);
}

/** Edges as an export carries them: the parent by image id when it is one, always by hash. */
export interface ExportedEdge {
  role: LineageRole;
  position: number;
  sha256: string;
  parentId: string | null;
}

export function edgesOf(db: Database.Database, childId: string): ExportedEdge[] {
  return cached<[string], ExportedEdge>(
    db,
    `SELECT l.role, l.position, l.parent_sha256 AS sha256, p.id AS parentId
     FROM image_lineage l JOIN images c ON c.pk = l.child_pk LEFT JOIN images p ON p.pk = l.parent_pk
     WHERE c.id = ? ORDER BY l.role, l.position`,
  ).all(childId);
}

/** Stores imported edges; a parent named by id is looked up, one named only by hash is matched later. */
export function restoreEdges(db: Database.Database, childId: string, edges: StoredEdge[]): void {
  const childPk = cached<[string], number>(db, 'SELECT pk FROM images WHERE id = ?').pluck().get(childId);
  if (childPk !== undefined) insertEdges(db, childPk, edges);
}

interface LinkRow {
  role: LineageRole;
  sha256: string;
  id: string | null;
  prompt: string | null;
  trashed_at: number | null;
  is_file: number;
}

function toLink(row: LinkRow): LineageLink {
  return {
    role: row.role,
    sha256: row.sha256,
    id: row.id,
    kind: row.id ? 'image' : row.is_file ? 'file' : 'missing',
    prompt: row.prompt ?? '',
    trashed: row.trashed_at !== null,
  };
}

// A parent stored before it was in the library (a file later imported) is found by its bytes.
const parentPkSql = `coalesce(l.parent_pk, (SELECT pk FROM images WHERE sha256 = l.parent_sha256
  ORDER BY trashed_at IS NOT NULL, pk LIMIT 1))`;

function parentsOf(db: Database.Database, childPk: number): LineageLink[] {
  return cached<[number], LinkRow>(
    db,
    `SELECT l.role, l.parent_sha256 AS sha256, p.id, p.prompt, p.trashed_at,
       EXISTS (SELECT 1 FROM blobs b WHERE b.sha256 = l.parent_sha256) AS is_file
     FROM image_lineage l LEFT JOIN images p ON p.pk = ${parentPkSql}
     WHERE l.child_pk = ? ORDER BY l.role, l.position`,
  )
    .all(childPk)
    .map(toLink);
}

function childrenOf(db: Database.Database, pk: number, sha256: string, limit: number): LineageLink[] {
  return cached<[number, string, number], LinkRow>(
    db,
    `SELECT l.role, c.sha256, c.id, c.prompt, c.trashed_at, 0 AS is_file
     FROM image_lineage l JOIN images c ON c.pk = l.child_pk
     WHERE l.parent_pk = ? OR (l.parent_pk IS NULL AND l.parent_sha256 = ?)
     GROUP BY c.pk ORDER BY c.pk LIMIT ?`,
  )
    .all(pk, sha256, limit)
    .map(toLink);
}

function imageRow(db: Database.Database, id: string) {
  const row = cached<[string], { pk: number; sha256: string; prompt: string; trashed_at: number | null }>(
    db,
    'SELECT pk, sha256, prompt, trashed_at FROM images WHERE id = ?',
  ).get(id);
  if (!row) throw new AppError('not_found', 'That image is no longer in the library.');
  return row;
}

export function lineageOf(db: Database.Database, id: string): Lineage {
  const image = imageRow(db, id);
  const children = childrenOf(db, image.pk, image.sha256, maxChildren + 1);
  return {
    parents: parentsOf(db, image.pk),
    children: children.slice(0, maxChildren),
    moreChildren: children.length > maxChildren,
  };
}

/**
 * The whole family around an image: walked up and down through every edge, breadth first, until it
 * runs out or reaches the node limit. Sources that are files (or gone) end the walk upwards.
 */
export function familyOf(db: Database.Database, id: string): Family {
  const nodes = new Map<string, Family['nodes'][number]>();
  const edges = new Map<string, Family['edges'][number]>();
  const keyOf = (image: LineageImage) => image.id ?? `sha:${image.sha256}`;
  const start = imageRow(db, id);
  const first: LineageImage = {
    id,
    sha256: start.sha256,
    kind: 'image',
    prompt: start.prompt,
    trashed: start.trashed_at !== null,
  };
  nodes.set(id, { ...first, key: id });
  const queue: string[] = [id];
  let truncated = false;
  while (queue.length > 0) {
    const current = queue.shift()!;
    const row = imageRow(db, current);
    const add = (link: LineageLink, from: string, to: string) => {
      edges.set(`${from}>${to}>${link.role}`, { from, to, role: link.role });
    };
    const visit = (link: LineageLink): string | null => {
      const key = keyOf(link);
      if (!nodes.has(key)) {
        if (nodes.size >= maxFamily) {
          truncated = true;
          return null;
        }
        const { role: _role, ...image } = link;
        nodes.set(key, { ...image, key });
        if (link.id) queue.push(link.id);
      }
      return key;
    };
    for (const parent of parentsOf(db, row.pk)) {
      const key = visit(parent);
      if (key) add(parent, key, current);
    }
    for (const child of childrenOf(db, row.pk, row.sha256, maxChildren)) {
      const key = visit(child);
      if (key) add(child, current, key);
    }
  }
  return { nodes: [...nodes.values()], edges: [...edges.values()], truncated };
}
