import { eventNames, type EventName, type Input, type StudioBridge } from '../../../shared/contract.ts';
import type { ImportResult } from '../../../shared/api/library.ts';
import { uploadRoute, type UploadMethod } from '../../../shared/api/transfers.ts';
import type { Envelope } from '../../../shared/rpc.ts';
import { capabilityKey, signedUrl } from '../../../shared/url-capability.ts';
import { openEventStream } from './event-stream.ts';

export interface HttpBridge extends StudioBridge {
  /** A signed, expiring URL for what the browser fetches by itself (img src, a download link). */
  signedUrl(path: string, exp: number): string;
  /** The host's clock, in unix seconds, as its answers tell it. */
  nowSeconds(): number;
  /** A raw POST with the token, answered by an envelope (uploads). */
  post<T>(path: string, body: Blob | Uint8Array, contentType: string): Promise<Envelope<T>>;
}

const hostDown: Envelope<never> = {
  ok: false,
  error: { code: 'unavailable', message: 'The Ideogram Studio host is not running.' },
};
/**
 * Files that go up at once. Each upload leaves main idle while its bytes arrive, so a few must overlap
 * to keep the import workers busy: measured by bench:web-import on 2 cores, 2 in flight reached 0.65x
 * of an in-process import and 4 reached 0.94x. Memory stays bounded: at most 4 files in the host.
 */
const parallelUploads = 4;
const fileProblems = new Set(['too_large', 'unsupported_file', 'validation']);

/**
 * Browser mode's transport: the same contract over same-origin HTTP. The run's token is sent as a
 * bearer header on every call and on the event stream; files go up raw, one request each.
 */
export function createHttpBridge(token: string | null): HttpBridge {
  const listeners = new Map<EventName, Set<(payload: never) => void>>();
  const urlKey = capabilityKey(token ?? '');
  let clockOffset = 0;
  let stream: { close(): void } | null = null;
  const auth = (): Record<string, string> => (token ? { Authorization: `Bearer ${token}` } : {});

  async function request<T>(path: string, body: BodyInit, contentType: string): Promise<Envelope<T>> {
    let response: Response;
    try {
      response = await fetch(path, {
        method: 'POST',
        headers: { ...auth(), 'Content-Type': contentType },
        body,
      });
    } catch {
      return hostDown;
    }
    const date = Date.parse(response.headers.get('date') ?? '');
    if (Number.isFinite(date)) clockOffset = date - Date.now();
    const text = await response.text();
    try {
      return JSON.parse(text) as Envelope<T>;
    } catch {
      return {
        ok: false,
        error: { code: 'internal', message: `The host answered ${response.status}: ${text.slice(0, 200)}` },
      };
    }
  }

  /** A big drop sends files faster than main's call budget allows: a refusal for that waits its turn. */
  async function upload<T>(method: UploadMethod, name: string, bytes: Uint8Array): Promise<Envelope<T>> {
    // A Blob, not the bytes themselves: Chromium sends a 2.7 MB Uint8Array body about 6x slower
    // than the same bytes as a Blob (measured: 633 ms against 96 ms on these machines).
    const body = new Blob([bytes as Uint8Array<ArrayBuffer>]);
    for (let attempt = 1; ; attempt++) {
      const answer = await request<T>(uploadRoute(method, name), body, 'application/octet-stream');
      if (answer.ok || answer.error.code !== 'rate_limited' || attempt >= 30) return answer;
      await new Promise((done) => setTimeout(done, 250 * Math.min(attempt, 4)));
    }
  }

  /** One request per file, a few at a time; a file the host refuses is reported like any refused file. */
  async function importFiles(files: Input<'library:importFiles'>['files']): Promise<Envelope<ImportResult>> {
    const total: ImportResult = { imported: [], duplicates: 0, refused: [] };
    let next = 0;
    let failure: Envelope<never> | null = null;
    async function worker() {
      while (next < files.length && !failure) {
        const file = files[next++]!;
        const answer = await upload<ImportResult>('library:importFiles', file.name, file.bytes);
        if (answer.ok) {
          total.imported.push(...answer.value.imported);
          total.duplicates += answer.value.duplicates;
          total.refused.push(...answer.value.refused);
        } else if (fileProblems.has(answer.error.code)) {
          total.refused.push({ name: file.name, reason: answer.error.message });
        } else {
          failure = answer;
        }
      }
    }
    await Promise.all(Array.from({ length: Math.min(parallelUploads, files.length) }, worker));
    return failure ?? { ok: true, value: total };
  }

  function dispatchEvent(data: string): void {
    const { event, payload } = JSON.parse(data) as { event: EventName; payload: never };
    for (const listener of listeners.get(event) ?? []) listener(payload);
  }

  return {
    call(method, input) {
      if (method === 'library:importFiles')
        return importFiles((input as Input<'library:importFiles'>).files) as never;
      if (method === 'library:addSource') {
        const { name, bytes } = input as Input<'library:addSource'>;
        return upload(method, name, bytes) as never;
      }
      return request(
        `/rpc/${encodeURIComponent(method)}`,
        input === undefined ? '' : JSON.stringify(input),
        'application/json',
      ) as never;
    },
    on(event, listener) {
      if (!eventNames.includes(event)) throw new Error(`Unknown event ${event}`);
      stream ??= openEventStream({ url: '/events', headers: auth, onMessage: dispatchEvent });
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(listener as (payload: never) => void);
      return () => set.delete(listener as (payload: never) => void);
    },
    signedUrl: (path, exp) => signedUrl(urlKey, path, exp),
    nowSeconds: () => Math.floor((Date.now() + clockOffset) / 1000),
    post: (path, body, contentType) => request(path, body as BodyInit, contentType),
  };
}
