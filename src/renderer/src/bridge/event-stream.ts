export interface EventStreamOptions {
  url: string;
  /** Read at each (re)connect. */
  headers: () => Record<string, string>;
  onMessage: (data: string) => void;
  /** Called when the host refuses the token: retrying cannot help. */
  onRefused?: () => void;
  fetch?: typeof fetch;
  /** The wait before reconnect number `attempt` (1, 2, ...). */
  retryDelayMs?: (attempt: number) => number;
}

/**
 * Server-sent events read through fetch, because EventSource cannot send an Authorization header and
 * the token must never ride in a URL or a cookie. Reconnects by itself, as EventSource would, after
 * the host restarts or the network blips.
 */
export function openEventStream(options: EventStreamOptions): { close(): void } {
  const fetcher = options.fetch ?? fetch.bind(globalThis);
  const delay = options.retryDelayMs ?? ((attempt) => Math.min(10_000, 500 * 2 ** (attempt - 1)));
  const controller = new AbortController();
  let attempt = 0;

  async function run(): Promise<void> {
    while (!controller.signal.aborted) {
      try {
        const response = await fetcher(options.url, {
          headers: options.headers(),
          signal: controller.signal,
          cache: 'no-store',
        });
        if (response.status === 401 || response.status === 403) {
          options.onRefused?.();
          return;
        }
        if (response.ok && response.body) {
          attempt = 0;
          await readFrames(response.body, options.onMessage);
        }
      } catch {
        // A dropped connection or a host that is not up yet: wait and try again below.
      }
      if (controller.signal.aborted) return;
      attempt++;
      await new Promise((done) => setTimeout(done, delay(attempt)));
    }
  }

  void run();
  return { close: () => controller.abort() };
}

/** Splits the stream into events and hands on each one's data (comments and other fields are dropped). */
async function readFrames(
  body: ReadableStream<Uint8Array>,
  onMessage: (data: string) => void,
): Promise<void> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    // Our host frames with \n only.
    buffer += decoder.decode(value, { stream: true });
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const frame = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const data = frame
        .split('\n')
        .filter((line) => line.startsWith('data:'))
        .map((line) => line.slice(line.startsWith('data: ') ? 6 : 5));
      if (data.length > 0) onMessage(data.join('\n'));
    }
  }
}
