import type {
  EventName,
  EventPayload,
  Input,
  MethodName,
  Output,
  StudioBridge,
} from '../../../shared/contract.ts';
import type { ErrorCode, RpcIssue } from '../../../shared/rpc.ts';
import { createHttpBridge } from './http-bridge.ts';

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

const bridge: StudioBridge = window.studio ?? createHttpBridge();

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

/**
 * Library media URLs. Both transports serve them under /media on the page's own origin (the Electron
 * app loads the page from studio://app), so one relative URL works everywhere.
 */
export function mediaUrl(path: string): string {
  return `/media${path}`;
}
