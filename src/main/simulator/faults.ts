import type { ServerResponse } from 'node:http';

export const faultStatuses = [400, 401, 403, 404, 406, 429, 500, 502, 504] as const;
export type FaultStatus = (typeof faultStatuses)[number];

/** Per-run misbehaviour, each a probability per request (slowBodyMs is a duration). */
export interface Faults {
  statusRates?: Partial<Record<FaultStatus, number>>;
  /** Destroy the socket without answering. */
  dropRate?: number;
  /** Send half of a media body, then end the connection. */
  truncateRate?: number;
  /** Spread each media body over this many milliseconds. */
  slowBodyMs?: number;
  /** Replace a JSON answer with a cut-off one. */
  malformedJsonRate?: number;
}

const faultMessages: Record<FaultStatus, string> = {
  400: 'Bad request (injected fault)',
  401: 'Invalid API key (injected fault)',
  403: 'Forbidden (injected fault)',
  404: 'Not found (injected fault)',
  406: 'Insufficient credits (injected fault)',
  429: 'Rate limit exceeded (injected fault)',
  500: 'Internal server error (injected fault)',
  502: 'Bad gateway (injected fault)',
  504: 'Gateway timeout (injected fault)',
};

export function roll(rate: number | undefined, random: () => number): boolean {
  return rate !== undefined && rate > 0 && random() < rate;
}

/** The first injected status that fires for this request, if any. */
export function pickFaultStatus(
  faults: Faults,
  random: () => number,
): { status: FaultStatus; message: string } | null {
  for (const status of faultStatuses) {
    if (roll(faults.statusRates?.[status], random)) return { status, message: faultMessages[status] };
  }
  return null;
}

/** Writes a media body honouring the truncate and slow-body knobs. */
export function sendMediaBody(res: ServerResponse, body: Buffer, faults: Faults, random: () => number): void {
  if (roll(faults.truncateRate, random)) {
    res.write(body.subarray(0, Math.floor(body.length / 2)), () => res.destroy());
    return;
  }
  const slow = faults.slowBodyMs ?? 0;
  if (slow <= 0) {
    res.end(body);
    return;
  }
  const pieces = 8;
  const size = Math.ceil(body.length / pieces);
  let i = 0;
  const next = () => {
    if (res.destroyed) return;
    const chunk = body.subarray(i * size, (i + 1) * size);
    i++;
    if (i >= pieces) res.end(chunk);
    else res.write(chunk, () => setTimeout(next, slow / pieces));
  };
  next();
}
