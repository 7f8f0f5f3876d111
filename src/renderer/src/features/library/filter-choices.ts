import { useEffect, useState } from 'react';
import type { Collection } from '../../../../shared/api/library.ts';
import { call } from '../../bridge/api.ts';
import { useLibrary } from './library-store.ts';
import { oncePerRevision } from './once-per-revision.ts';

export interface FilterChoices {
  tags: string[];
  collections: Collection[];
}

const choicesAt = oncePerRevision(async (): Promise<FilterChoices> => {
  const [stats, collections] = await Promise.all([call('library:stats'), call('library:listCollections')]);
  return { tags: stats.tags.map((tag) => tag.name), collections };
});

/** Tags and collections for the filter pickers, refreshed whenever the library changes. */
export function useFilterChoices(): FilterChoices {
  const revision = useLibrary((state) => state.revision);
  const [choices, setChoices] = useState<FilterChoices>({ tags: [], collections: [] });
  useEffect(() => {
    let live = true;
    choicesAt(revision).then(
      (fetched) => live && setChoices(fetched),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [revision]);
  return choices;
}
