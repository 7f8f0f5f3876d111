import type { libraryApi } from '../../shared/api/library.ts';
import { AppError } from '../../shared/rpc.ts';
import type { HandlerMap } from '../rpc/handler-map.ts';
import type { Library } from './library.ts';

export interface LibraryHandlerDeps {
  /**
   * Whether a caller may name files on this machine (importPaths). Defaults to Electron only: a
   * browser page has no business reading arbitrary paths, even through our own host.
   */
  allowPathImport?: (transport: 'electron' | 'web' | 'test') => boolean;
}

function decodeBase64(name: string, dataBase64: string): Buffer {
  // Node's decoder skips junk silently; a round trip shows whether the text was really base64.
  const bytes = Buffer.from(dataBase64, 'base64');
  if (bytes.toString('base64').replace(/=+$/, '') !== dataBase64.replace(/\s/g, '').replace(/=+$/, '')) {
    throw new AppError('validation', `${name}: the file data is not valid base64.`);
  }
  return bytes;
}

export function createLibraryHandlers(
  library: Library,
  deps: LibraryHandlerDeps = {},
): HandlerMap<typeof libraryApi> {
  const allowPathImport = deps.allowPathImport ?? ((transport) => transport !== 'web');
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
    'library:importFiles': ({ files }) =>
      library.importFiles(files.map((f) => ({ name: f.name, bytes: decodeBase64(f.name, f.dataBase64) }))),
    'library:importPaths': ({ paths }, ctx) => {
      if (!allowPathImport(ctx.transport)) {
        throw new AppError(
          'forbidden',
          'Importing by path works in the desktop app only; drop or choose the files instead.',
        );
      }
      return library.importPaths(paths);
    },
    'library:addSource': ({ name, dataBase64 }) => library.addSource(decodeBase64(name, dataBase64)),
    'library:export': ({ ids, destination, as }) => library.export(ids, destination, as),
    'library:backup': ({ destination }) => library.backup(destination),
    'library:restoreBackup': ({ source }) => library.restoreBackup(source),
    'library:listCollections': () => library.listCollections(),
    'library:createCollection': ({ name }) => library.createCollection(name),
    'library:renameCollection': ({ id, name }) => library.renameCollection(id, name),
    'library:deleteCollection': ({ id }) => ({ deleted: library.deleteCollection(id) }),
    'library:addToCollection': ({ id, ids }) => library.addToCollection(id, ids),
    'library:removeFromCollection': ({ id, ids }) => library.removeFromCollection(id, ids),
    'library:stats': () => library.stats(),
    'library:checkIntegrity': () => library.checkIntegrity(),
  };
}
