/** Reading the fields every server names its own way: the state of a request and its error text. */

export type RequestStatus = 'QUEUED' | 'PROCESSING' | 'COMPLETED' | 'FAILED';

/** Other servers name the same states differently; anything else is an answer we cannot use. */
const statusAliases: Record<string, RequestStatus> = {
  QUEUED: 'QUEUED',
  IN_QUEUE: 'QUEUED',
  PENDING: 'QUEUED',
  STARTING: 'QUEUED',
  PROCESSING: 'PROCESSING',
  IN_PROGRESS: 'PROCESSING',
  RUNNING: 'PROCESSING',
  COMPLETED: 'COMPLETED',
  SUCCEEDED: 'COMPLETED',
  SUCCESS: 'COMPLETED',
  FAILED: 'FAILED',
  ERROR: 'FAILED',
  CANCELLED: 'FAILED',
  CANCELED: 'FAILED',
};

/** The human text of an answer, wherever the server put it; plain-text bodies count too. */
export function messageOf(body: unknown): string | undefined {
  if (typeof body === 'string') return body.trim().slice(0, 1000) || undefined;
  if (body === null || typeof body !== 'object') return undefined;
  const record = body as Record<string, unknown>;
  for (const key of ['error', 'message', 'detail', 'error_message']) {
    const value = record[key];
    if (typeof value === 'string' && value.trim()) return value.trim();
    if (value && typeof value === 'object') {
      const nested = messageOf(value);
      if (nested) return nested;
    }
  }
  return undefined;
}

export function statusOf(body: unknown): RequestStatus | undefined {
  if (body === null || typeof body !== 'object') return undefined;
  const value = (body as Record<string, unknown>).status;
  return typeof value === 'string' ? statusAliases[value.trim().toUpperCase()] : undefined;
}
