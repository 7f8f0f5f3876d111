import { ipcMain, webContents } from 'electron';
import { methodNames } from '../../shared/contract.ts';
import { isTrustedSender } from '../protocol/sender-policy.ts';
import type { Dispatch } from '../rpc/dispatcher.ts';
import type { EventBus } from '../rpc/event-bus.ts';

/** Carries the contract over ipcMain.handle / webContents.send, for our own window only. */
export function setupIpcTransport(
  dispatch: Dispatch,
  bus: EventBus,
  trustedIds: () => Set<number>,
  /** From rendererDevUrl: null in a packaged app, so only studio://app may call. */
  devServerUrl: string | null,
): () => void {
  for (const method of methodNames) {
    ipcMain.handle(method, (event, input: unknown) => {
      const frame = event.senderFrame;
      const facts = {
        contentsId: event.sender.id,
        frameUrl: frame?.url ?? null,
        isMainFrame: !!frame && frame.parent === null,
      };
      if (!isTrustedSender(facts, trustedIds(), devServerUrl ?? undefined)) {
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
