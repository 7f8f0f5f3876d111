import type { PauseReason } from '../../shared/api/jobs.ts';
import { jitteredBackoff } from './backoff.ts';
import type { SharedTimer } from './shared-timer.ts';

/** The OS's idea of connectivity (Electron's net.isOnline and online/offline events). */
export interface NetworkWatch {
  isOnline(): boolean;
  onChange(listener: () => void): () => void;
}

export interface GateStatus {
  state: 'running' | 'paused';
  reason: PauseReason | null;
  message: string;
  resumeAt: number | null;
}

/**
 * Whether the queue may talk to Segmind now. Several reasons can hold at once (offline and out of
 * credits); the queue runs only when none does, and the page is told the one the user should fix first.
 */
export interface QueueGate {
  isOpen(): boolean;
  /** Open but for being offline: the one request allowed through to find out whether we are back. */
  onlyOffline(): boolean;
  pause(reason: PauseReason, message: string, resumeAt?: number | null): void;
  clear(reason: PauseReason): void;
  rateLimited(retryAfterMs: number | undefined): void;
  networkFailed(): void;
  succeeded(remainingCredits?: number): void;
  remainingCredits(): number | null;
  /** The user says "try again": clears what only the user could clear, probes at once if offline. */
  userResume(): void;
  status(): GateStatus;
  dispose(): void;
}

export interface QueueGateOptions {
  now: () => number;
  random: () => number;
  timer: SharedTimer;
  network: NetworkWatch | undefined;
  /** Something changed in status(). */
  onChange: () => void;
  /** Every reason has gone: parked work may start. */
  onOpen: () => void;
  /** Offline and due for a check: run one request and report through succeeded / networkFailed. */
  onProbe: () => void;
}

/** The pauses only the user (or a new key) can end. */
export const pauseMessages: Record<Exclude<PauseReason, 'offline' | 'rate_limited' | 'budget'>, string> = {
  no_key: 'No Segmind API key is set. Jobs wait until you add one.',
  unauthorized: 'Segmind refused the API key. Set a valid key; the queue resumes then.',
  forbidden: 'Segmind refused this account access to a model. Check the account, then resume the queue.',
  out_of_credits: 'The Segmind account is out of credits. Top up, then resume the queue.',
};

const priority: PauseReason[] = [
  'no_key',
  'unauthorized',
  'forbidden',
  'out_of_credits',
  'budget',
  'offline',
  'rate_limited',
];
/**
 * Holds back new submits only (job-submitter asks budget-guard.ts per job): a request already paid for
 * is still polled and fetched while the budget is reached.
 */
const SUBMITS_ONLY: ReadonlySet<PauseReason> = new Set(['budget']);
/** Network failures in a row, with no success between, that mean "offline" rather than "a bad request". */
const OFFLINE_AFTER = 3;
const PROBE_KEY = 'gate:probe';
const RATE_KEY = 'gate:rate';

export function createQueueGate(options: QueueGateOptions): QueueGate {
  const { now, random, timer, network } = options;
  const reasons = new Map<PauseReason, { message: string; resumeAt: number | null }>();
  let networkStreak = 0;
  let rateStreak = 0;
  let probeAttempt = 0;
  let credits: number | null = null;

  const blocking = () => [...reasons.keys()].filter((reason) => !SUBMITS_ONLY.has(reason)).length;

  function set(reason: PauseReason, message: string, resumeAt: number | null): void {
    reasons.set(reason, { message, resumeAt });
    options.onChange();
  }

  function clear(reason: PauseReason): void {
    if (!reasons.delete(reason)) return;
    if (reason === 'offline') timer.cancel(PROBE_KEY);
    if (reason === 'rate_limited') timer.cancel(RATE_KEY);
    options.onChange();
    if (blocking() === 0) options.onOpen();
  }

  function scheduleProbe(): void {
    const at = now() + jitteredBackoff(probeAttempt++, random, 1000, 60_000);
    set(
      'offline',
      'Segmind cannot be reached. The queue checks again by itself and resumes when it can.',
      at,
    );
    timer.at(PROBE_KEY, at, () => {
      // A probe can only go out when being offline is the one thing holding the queue.
      if ((network && !network.isOnline()) || blocking() > 1) scheduleProbe();
      else options.onProbe();
    });
  }

  function osChanged(): void {
    if (network?.isOnline()) {
      networkStreak = 0;
      probeAttempt = 0;
      clear('offline');
    } else {
      timer.cancel(PROBE_KEY);
      set(
        'offline',
        'The computer is offline. The queue resumes by itself when the connection is back.',
        null,
      );
    }
  }

  const unsubscribe = network?.onChange(osChanged);
  if (network && !network.isOnline()) osChanged();

  return {
    isOpen: () => blocking() === 0,
    onlyOffline: () => blocking() === 1 && reasons.has('offline'),
    pause(reason, message, resumeAt = null) {
      const same = reasons.get(reason);
      if (same && same.message === message && same.resumeAt === resumeAt) return;
      set(reason, message, resumeAt);
    },
    clear,
    rateLimited(retryAfterMs) {
      rateStreak++;
      // Retry-After is the server's word: never earlier, a little later so the herd spreads.
      const wait =
        retryAfterMs !== undefined
          ? retryAfterMs + Math.round(random() * Math.min(1000, retryAfterMs * 0.2 + 50))
          : jitteredBackoff(rateStreak, random, 1000, 60_000);
      const at = Math.max(now() + wait, reasons.get('rate_limited')?.resumeAt ?? 0);
      set('rate_limited', 'Segmind asked the app to slow down; the queue waits and resumes by itself.', at);
      timer.at(RATE_KEY, at, () => clear('rate_limited'));
    },
    networkFailed() {
      networkStreak++;
      if (reasons.has('offline')) {
        if (!timer.has(PROBE_KEY) && (!network || network.isOnline())) scheduleProbe();
      } else if (networkStreak >= OFFLINE_AFTER) {
        scheduleProbe();
      }
    },
    succeeded(remainingCredits) {
      networkStreak = 0;
      rateStreak = 0;
      probeAttempt = 0;
      if (remainingCredits !== undefined) credits = remainingCredits;
      if (reasons.has('offline') && (!network || network.isOnline())) clear('offline');
    },
    remainingCredits: () => credits,
    userResume() {
      for (const reason of ['unauthorized', 'forbidden', 'out_of_credits'] as const) clear(reason);
      if (reasons.has('offline') && (!network || network.isOnline())) {
        timer.cancel(PROBE_KEY);
        options.onProbe();
      }
    },
    status() {
      const reason = priority.find((r) => reasons.has(r)) ?? null;
      if (!reason)
        return { state: 'running', reason: null, message: 'The queue is running.', resumeAt: null };
      const entry = reasons.get(reason);
      return { state: 'paused', reason, message: entry?.message ?? '', resumeAt: entry?.resumeAt ?? null };
    },
    dispose() {
      unsubscribe?.();
      timer.cancel(PROBE_KEY);
      timer.cancel(RATE_KEY);
    },
  };
}
