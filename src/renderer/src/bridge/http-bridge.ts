import { eventNames, type EventName, type StudioBridge } from '../../../shared/contract.ts';
import type { Envelope } from '../../../shared/rpc.ts';

/**
 * Browser mode's transport: the same contract over same-origin HTTP. The per-run token lives in an
 * HttpOnly cookie the host set when the page was opened, so this code never holds it.
 */
export function createHttpBridge(): StudioBridge {
  const listeners = new Map<EventName, Set<(payload: never) => void>>();
  let source: EventSource | null = null;

  function ensureEventStream(): void {
    if (source) return;
    source = new EventSource('/events');
    source.onmessage = (message) => {
      const { event, payload } = JSON.parse(message.data as string) as { event: EventName; payload: never };
      for (const listener of listeners.get(event) ?? []) listener(payload);
    };
    // EventSource reconnects by itself after the host restarts; nothing to do on error.
  }

  return {
    async call(method, input) {
      let response: Response;
      try {
        response = await fetch(`/rpc/${encodeURIComponent(method)}`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: input === undefined ? '' : JSON.stringify(input),
        });
      } catch {
        return {
          ok: false,
          error: { code: 'unavailable', message: 'The Ideogram Studio host is not running.' },
        };
      }
      const text = await response.text();
      try {
        return JSON.parse(text) as Envelope<never>;
      } catch {
        return {
          ok: false,
          error: { code: 'internal', message: `The host answered ${response.status}: ${text.slice(0, 200)}` },
        };
      }
    },
    on(event, listener) {
      if (!eventNames.includes(event)) throw new Error(`Unknown event ${event}`);
      ensureEventStream();
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(listener as (payload: never) => void);
      return () => set.delete(listener as (payload: never) => void);
    },
  };
}
