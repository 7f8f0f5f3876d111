import type { libraryApi } from '../../shared/api/library.ts';
import type { HandlerMap } from '../rpc/handler-map.ts';
import type { Library } from './library.ts';

/**
 * The page's side of the library. Only what the page calls, and nothing that names a file on this
 * machine: exports, backups and restores are OS actions (main asks the user where) or, in browser
 * mode, a download and an upload that the host runs against the library directly.
 */
export function createLibraryHandlers(library: Library): HandlerMap<typeof libraryApi> {
  return {
    'library:list': (query) => library.list(query),
    'library:get': ({ id }) => library.get(id),
    'library:setFavorite': ({ ids, favorite }) => library.setFavorite(ids, favorite),
    'library:setRating': ({ ids, rating }) => library.setRating(ids, rating),
    'library:tag': ({ ids, tags }) => library.tag(ids, tags),
    'library:untag': ({ ids, tags }) => library.untag(ids, tags),
    'library:trash': ({ ids }) => library.trash(ids),
    'library:restore': ({ ids }) => library.restore(ids),
    'library:emptyTrash': (input) => library.emptyTrash(input?.ids),
    'library:importFiles': ({ files }) => library.importFiles(files),
    'library:addSource': ({ bytes }) => library.addSource(bytes),
    'library:listCollections': () => library.listCollections(),
    'library:createCollection': ({ name }) => library.createCollection(name),
    'library:addToCollection': ({ id, ids }) => library.addToCollection(id, ids),
    'library:removeFromCollection': ({ id, ids }) => library.removeFromCollection(id, ids),
    'library:stats': () => library.stats(),
    'library:checkIntegrity': () => library.checkIntegrity(),
  };
}
