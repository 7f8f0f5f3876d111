import { useEffect, useState } from 'react';
import type { Family } from '../../../../shared/api/lineage.ts';
import { Modal } from '../../app/modal.tsx';
import { ErrorState, LoadingState } from '../../app/states.tsx';
import { call } from '../../bridge/api.ts';
import { messageOf } from '../../lib/errors.ts';
import { LineageThumb } from './lineage-section.tsx';

type Node = Family['nodes'][number];

/**
 * Generations from the oldest ancestors down: each image sits one column right of its deepest parent,
 * so a remix of a remix reads left to right as it was made.
 */
function generations(family: Family): Node[][] {
  const parents = new Map<string, string[]>();
  for (const edge of family.edges) parents.set(edge.to, [...(parents.get(edge.to) ?? []), edge.from]);
  const depth = new Map<string, number>();
  const depthOf = (key: string, seen: Set<string>): number => {
    const known = depth.get(key);
    if (known !== undefined) return known;
    if (seen.has(key)) return 0;
    seen.add(key);
    const above = parents.get(key) ?? [];
    const d = above.length === 0 ? 0 : 1 + Math.max(...above.map((p) => depthOf(p, seen)));
    depth.set(key, d);
    return d;
  };
  const columns: Node[][] = [];
  for (const node of family.nodes) {
    const d = depthOf(node.key, new Set());
    (columns[d] ??= []).push(node);
  }
  return columns.filter(Boolean);
}

export function FamilyDialog({ id, onClose }: { id: string | null; onClose(): void }) {
  const [family, setFamily] = useState<Family | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loadedFor, setLoadedFor] = useState<string | null>(null);
  if (id !== loadedFor) {
    setLoadedFor(id);
    setFamily(null);
    setError(null);
  }
  useEffect(() => {
    if (!id) return;
    let live = true;
    void call('library:family', { id }).then(
      (found) => live && setFamily(found),
      (failure: unknown) => live && setError(messageOf(failure)),
    );
    return () => {
      live = false;
    };
  }, [id]);
  const roles = new Map(family?.edges.map((edge) => [edge.to, edge.role]));
  return (
    <Modal title="Family tree" open={id !== null} onClose={onClose} className="family-modal">
      {error ? (
        <ErrorState title="The family could not be read" message={error} />
      ) : !family ? (
        <LoadingState>Reading the family…</LoadingState>
      ) : (
        <>
          <div className="family" role="list" aria-label="Generations">
            {generations(family).map((column, i) => (
              <section
                key={i}
                className="family-generation"
                role="listitem"
                aria-label={`Generation ${i + 1}`}
              >
                <h3>{i === 0 ? 'Originals' : `Generation ${i + 1}`}</h3>
                {column.map((node) => (
                  <div
                    key={node.key}
                    className={node.id === id ? 'family-node family-current' : 'family-node'}
                  >
                    <LineageThumb
                      link={node}
                      caption={node.id === id ? 'this image' : (roles.get(node.key) ?? 'original')}
                    />
                  </div>
                ))}
              </section>
            ))}
          </div>
          {family.truncated && (
            <p className="muted">Only the first {family.nodes.length} images are shown.</p>
          )}
        </>
      )}
    </Modal>
  );
}
