import type { EventName, EventPayload } from '../../shared/contract.ts';
import { consoleLogger, type Logger } from '../logging/logger.ts';

export type EventListener = (event: EventName, payload: unknown) => void;

/** Main-side fan-out of contract events to every attached transport (windows, browser tabs). */
export interface EventBus {
  emit<E extends EventName>(event: E, payload: EventPayload<E>): void;
  subscribe(listener: EventListener): () => void;
}

export function createEventBus(logger: Logger = consoleLogger): EventBus {
  const listeners = new Set<EventListener>();
  return {
    emit(event, payload) {
      for (const listener of listeners) {
        try {
          listener(event, payload);
        } catch (error) {
          // One broken transport (a closed window, a dead socket) must not starve the others.
          logger.error(`[events] listener failed for ${event}:`, error);
        }
      }
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
