import { ipcMain, webContents, type IpcMainInvokeEvent } from 'electron';
import { methodNames } from '../../shared/contract.ts';
import type { Dispatch } from '../rpc/dispatcher.ts';
import type { EventBus } from '../rpc/event-bus.ts';
import { appOrigin } from './app-protocol.ts';

/**
 * Only our own page, in its main frame, may call main: a frame from anywhere else (an iframe, a page
 * that somehow navigated away) gets 'forbidden' and its payload is never parsed.
 */
function isTrustedSender(event: IpcMainInvokeEvent, trustedIds: () => Set<number>): boolean {
  const frame = event.senderFrame;
  if (!frame || !trustedIds().has(event.sender.id) || frame.parent !== null) return false;
  const origin = new URL(frame.url).origin;
  return (
    origin === appOrigin ||
    (!!process.env.ELECTRON_RENDERER_URL && frame.url.startsWith(process.env.ELECTRON_RENDERER_URL))
  );
}

export function setupIpcTransport(
  dispatch: Dispatch,
  bus: EventBus,
  trustedIds: () => Set<number>,
): () => void {
  for (const method of methodNames) {
    ipcMain.handle(method, (event, input: unknown) => {
      if (!isTrustedSender(event, trustedIds)) {
        return {
          ok: false,
          error: { code: 'forbidden', message: 'This window may not call Ideogram Studio.' },
        };
      }
      return dispatch(method, input, { transport: 'electron' });
    });
  }
  const unsubscribe = bus.subscribe((event, payload) => {
    for (const id of trustedIds()) webContents.fromId(id)?.send(event, payload);
  });
  return () => {
    unsubscribe();
    for (const method of methodNames) ipcMain.removeHandler(method);
  };
}
