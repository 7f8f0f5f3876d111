import type { z } from 'zod';
import type { MethodDef } from '../../shared/rpc.ts';

/** Who is calling: transports fill it in after they have checked the sender. */
export interface CallContext {
  transport: 'electron' | 'web' | 'test';
}

export type Handler<M extends MethodDef> = (
  input: z.output<M['input']>,
  ctx: CallContext,
) => Promise<z.input<M['output']>> | z.input<M['output']>;

/** One handler per method of a feature's API, checked against the contract at compile time. */
export type HandlerMap<A extends Record<string, MethodDef>> = { [K in keyof A]: Handler<A[K]> };
