import { useEffect, useState } from 'react';
import type { Lineage, LineageLink } from '../../../../shared/api/lineage.ts';
import { call, mediaUrl } from '../../bridge/api.ts';
import { useDetail } from './detail-store.ts';

const roleLabel = { source: 'source', style: 'style', variation: 'variation of' } as const;

/** A small picture of a linked image: opens it when it is in the library, says so when it is not. */
export function LineageThumb({ link, caption }: { link: Omit<LineageLink, 'role'>; caption: string }) {
  const openDetail = useDetail((state) => state.openDetail);
  const src = link.id
    ? mediaUrl(`/image/${link.id}/thumb`)
    : link.kind === 'file'
      ? mediaUrl(`/blob/${link.sha256}`)
      : null;
  const label =
    link.kind === 'missing' ? 'no longer in the library' : link.prompt || 'a file added as a source';
  const body = (
    <>
      {src ? (
        <img src={src} alt={label} />
      ) : (
        <span className="lineage-missing" aria-hidden="true">
          ?
        </span>
      )}
      <span className="lineage-caption">
        {caption}
        {link.trashed ? ' · in the trash' : ''}
      </span>
    </>
  );
  return link.id ? (
    <button type="button" className="lineage-thumb" title={label} onClick={() => openDetail(link.id!)}>
      {body}
    </button>
  ) : (
    <span className="lineage-thumb" title={label}>
      {body}
    </span>
  );
}

/** What this image was made from and what was made from it; the family view shows the whole tree. */
export function LineageSection({ id, onFamily }: { id: string; onFamily(): void }) {
  const [lineage, setLineage] = useState<Lineage | null>(null);
  useEffect(() => {
    let live = true;
    void call('library:lineage', { id }).then(
      (found) => live && setLineage(found),
      () => live && setLineage(null),
    );
    return () => {
      live = false;
    };
  }, [id]);
  if (!lineage || (lineage.parents.length === 0 && lineage.children.length === 0)) return null;
  return (
    <div className="detail-section" aria-label="Lineage">
      <h3>Lineage</h3>
      {lineage.parents.length > 0 && (
        <>
          <p className="muted lineage-heading">Made from</p>
          <div className="lineage-row">
            {lineage.parents.map((link, i) => (
              <LineageThumb key={`${link.role}${i}`} link={link} caption={roleLabel[link.role]} />
            ))}
          </div>
        </>
      )}
      {lineage.children.length > 0 && (
        <>
          <p className="muted lineage-heading">
            Made from it{lineage.moreChildren ? ` (first ${lineage.children.length})` : ''}
          </p>
          <div className="lineage-row">
            {lineage.children.map((link) => (
              <LineageThumb
                key={link.id ?? link.sha256}
                link={link}
                caption={link.role === 'variation' ? 'variation' : 'remix'}
              />
            ))}
          </div>
        </>
      )}
      <button type="button" className="btn btn-small" onClick={onFamily}>
        Family tree
      </button>
    </div>
  );
}
