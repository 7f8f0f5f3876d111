import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { EventName, MethodName, StudioBridge } from '../shared/contract.ts';
import { eventNames, methodNames } from '../shared/contract-names.ts';

/**
 * The page's only door to main: one `call` limited to the contract's method names and one `on` limited
 * to its event names. No raw ipcRenderer, no process, no channel the contract does not list.
 */
const bridge = {
  call(method, input) {
    if (!(methodNames as readonly MethodName[]).includes(method)) {
      return Promise.resolve({
        ok: false,
        error: { code: 'unknown_method', message: `Unknown method "${String(method)}".` },
      });
    }
    return ipcRenderer.invoke(method, input);
  },
  on(event, listener) {
    if (!(eventNames as readonly EventName[]).includes(event))
      throw new Error(`Unknown event "${String(event)}".`);
    const wrapped = (_event: IpcRendererEvent, payload: unknown) => listener(payload as never);
    ipcRenderer.on(event, wrapped);
    return () => {
      ipcRenderer.removeListener(event, wrapped);
    };
  },
} satisfies StudioBridge;

contextBridge.exposeInMainWorld('studio', bridge);
