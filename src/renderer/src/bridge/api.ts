import type {
  EventName,
  EventPayload,
  Input,
  MethodName,
  Output,
  StudioBridge,
} from '../../../shared/contract.ts';
import type { ErrorCode, RpcIssue } from '../../../shared/rpc.ts';
import { mediaExpiry } from '../../../shared/url-capability.ts';
import { createHttpBridge, type HttpBridge } from './http-bridge.ts';
import { sessionStorageOrNull, takeSessionToken } from './session-token.ts';

declare global {
  interface Window {
    /** Set by the Electron preload; absent in browser mode. */
    studio?: StudioBridge;
  }
}

/** A failed call, with the code the UI decides on and the field-level issues forms show. */
export class StudioError extends Error {
  readonly code: ErrorCode;
  readonly issues: RpcIssue[];
  constructor(code: ErrorCode, message: string, issues: RpcIssue[] = []) {
    super(message);
    this.name = 'StudioError';
    this.code = code;
    this.issues = issues;
  }
}

const token = window.studio
  ? null
  : takeSessionToken({ location: window.location, history: window.history, storage: sessionStorageOrNull() });
/** Browser mode's transport; null inside the Electron app. */
export const httpBridge: HttpBridge | null = window.studio ? null : createHttpBridge(token);
const bridge: StudioBridge = window.studio ?? httpBridge!;

/** Browser mode opened without the run's token (a bookmark, a new tab): only the printed URL helps. */
export const missingToken = httpBridge !== null && token === null;

export async function call<M extends MethodName>(
  method: M,
  ...args: undefined extends Input<M> ? [Input<M>?] : [Input<M>]
): Promise<Output<M>> {
  const envelope = await bridge.call(method, args[0] as Input<M>);
  if (!envelope.ok) throw new StudioError(envelope.error.code, envelope.error.message, envelope.error.issues);
  return envelope.value;
}

export function on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void {
  return bridge.on(event, listener);
}

let signedFor = 0;
const signedMedia = new Map<string, string>();

/**
 * Library media URLs, under /media on the page's own origin in both transports (the Electron app
 * loads the page from studio://app). In browser mode each carries its own signature, good for one to
 * two hours and the same for a whole hour, so the browser's image cache keeps working.
 */
export function mediaUrl(path: string): string {
  if (!httpBridge) return `/media${path}`;
  const exp = mediaExpiry(httpBridge.nowSeconds());
  if (exp !== signedFor) {
    signedFor = exp;
    signedMedia.clear();
  }
  let url = signedMedia.get(path);
  if (!url) signedMedia.set(path, (url = httpBridge.signedUrl(`/media${path}`, exp)));
  return url;
}
