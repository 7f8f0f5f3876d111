import type { textCheckApi } from '../../shared/api/text-check.ts';
import type { HandlerMap } from '../rpc/handler-map.ts';
import type { TextCheckService } from './text-check-service.ts';

export function createTextCheckHandlers(checks: TextCheckService): HandlerMap<typeof textCheckApi> {
  return {
    'textCheck:get': ({ id }) => checks.get(id),
    'textCheck:run': ({ ids }) => checks.run(ids),
  };
}
