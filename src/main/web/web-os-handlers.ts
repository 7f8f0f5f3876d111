import type { osApi } from '../../shared/api/os.ts';
import { AppError } from '../../shared/rpc.ts';
import type { HandlerMap } from '../rpc/handler-map.ts';

function desktopOnly(): never {
  throw new AppError(
    'unavailable',
    'This needs the desktop app: browser mode cannot reach your file manager or clipboard.',
  );
}

/** Browser mode serves a page that may be on another machine's screen: it never opens OS windows. */
export const webOsHandlers: HandlerMap<typeof osApi> = {
  'os:revealImage': desktopOnly,
  'os:revealDataDir': desktopOnly,
  'os:copyImage': desktopOnly,
  'os:startDrag': desktopOnly,
  'os:openExternal': desktopOnly,
};
