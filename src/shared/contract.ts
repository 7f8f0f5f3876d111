import type { z } from 'zod';
import { appApi, appEvents } from './api/app.ts';
import { batchesApi, batchesEvents } from './api/batches.ts';
import { jobsApi, jobsEvents } from './api/jobs.ts';
import { libraryApi, libraryEvents } from './api/library.ts';
import { lineageApi } from './api/lineage.ts';
import { osApi } from './api/os.ts';
import { recoveryApi, recoveryEvents } from './api/recovery.ts';
import { spendApi, spendEvents } from './api/spend.ts';
import { textCheckApi, textCheckEvents } from './api/text-check.ts';
import { untilRightApi, untilRightEvents } from './api/until-right.ts';
import type { Envelope, MethodDef, MethodInput, MethodOutput } from './rpc.ts';

/**
 * Every IPC method and event of the app, joined from one file per feature. Main validates inputs with
 * these schemas; the preload and the browser transport derive their method lists from here.
 */
export const methods = {
  ...appApi,
  ...batchesApi,
  ...jobsApi,
  ...libraryApi,
  ...lineageApi,
  ...osApi,
  ...spendApi,
  ...textCheckApi,
  ...untilRightApi,
  ...recoveryApi,
} satisfies Record<string, MethodDef>;
export type Methods = typeof methods;
export type MethodName = keyof Methods & string;

export const events = {
  ...appEvents,
  ...jobsEvents,
  ...libraryEvents,
  ...spendEvents,
  ...textCheckEvents,
  ...untilRightEvents,
  ...recoveryEvents,
  ...batchesEvents,
} satisfies Record<string, z.ZodType>;
export type Events = typeof events;
export type EventName = keyof Events & string;
export type EventPayload<E extends EventName> = z.output<Events[E]>;

export const methodNames = Object.keys(methods) as MethodName[];
export const eventNames = Object.keys(events) as EventName[];

export type Input<M extends MethodName> = MethodInput<Methods[M]>;
export type Output<M extends MethodName> = MethodOutput<Methods[M]>;

/** What the page sees: one call per method, one subscription per event. Same shape on both transports. */
export interface StudioBridge {
  call<M extends MethodName>(method: M, input: Input<M>): Promise<Envelope<Output<M>>>;
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
}
