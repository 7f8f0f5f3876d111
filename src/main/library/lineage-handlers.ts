import type { lineageApi } from '../../shared/api/lineage.ts';
import type { HandlerMap } from '../rpc/handler-map.ts';
import type { Library } from './library.ts';

export function createLineageHandlers(library: Library): HandlerMap<typeof lineageApi> {
  return {
    'library:lineage': ({ id }) => library.lineage(id),
    'library:family': ({ id }) => library.family(id),
  };
}
