import type { batchesApi } from '../../shared/api/batches.ts';
import type { HandlerMap } from '../rpc/handler-map.ts';
import type { BatchService } from './batch-service.ts';

/** The batches feature's side of the contract; inputs arrive already parsed by the dispatcher. */
export function createBatchHandlers(batches: BatchService): HandlerMap<typeof batchesApi> {
  return {
    'batches:read': (input) => batches.read(input),
    'batches:check': (input) => batches.check(input),
    'batches:editCell': (input) => batches.editCell(input),
    'batches:startFile': (input) => batches.startFile(input),
    'batches:startMatrix': (input) => batches.startMatrix(input),
    'batches:list': () => batches.list(),
    'batches:get': ({ id }) => batches.get(id),
    'batches:pause': ({ id }) => batches.pause(id),
    'batches:resume': ({ id }) => batches.resume(id),
    'batches:cancelRest': ({ id }) => batches.cancelRest(id),
    'batches:remove': ({ id }) => batches.remove(id),
    'batches:cells': (input) => batches.cells(input),
    'batches:exportCsv': ({ id }) => batches.exportCsv(id),
  };
}
