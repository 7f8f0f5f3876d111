import type { PauseReason } from '../../shared/api/jobs.ts';
import type { Logger } from '../logging/logger.ts';
import { jitteredBackoff } from './backoff.ts';
import { pausePriority, pauseRules } from './pause-rules.ts';
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
 * credits); each has an owner that ends it (a timer, a probe, a new key, the user's Resume), and
 * pause-rules.ts says which of them also hold polls of jobs already submitted.
 */
export interface QueueGate {
  maySubmit(): boolean;
  mayPoll(): boolean;
  /**
   * Pauses for `reason` until its owner calls clear (offline, disk_full and rate_limited get their
   * own end here whoever starts them). `resumeAt` is only shown: when the owner expects to lift it.
   */
  pause(reason: PauseReason, message: string, resumeAt?: number | null): void;
  clear(reason: PauseReason): void;
  rateLimited(retryAfterMs: number | undefined): void;
  /** No answer at all (refused, reset, silent): three in a row mean offline. */
  networkFailed(): void;
  /** Some HTTP answer came back, whatever its code: the network is up. */
  answered(): void;
  succeeded(remainingCredits?: number): void;
  /** A write to the data folder failed; `message` says why and where. */
  storageFailed(message: string): void;
  remainingCredits(): number | null;
  /** The user says "try again": clears what the user may clear, checks the rest at once. */
  userResume(): void;
  status(): GateStatus;
  dispose(): void;
}

export interface QueueGateOptions {
  now: () => number;
  random: () => number;
  timer: SharedTimer;
  network: NetworkWatch | undefined;
  logger: Logger;
  /** Something changed in status(). */
  onChange: () => void;
  /** A reason went away: parked work may move. */
  onOpen: () => void;
  /** Offline: does the API host answer now? */
  probeNetwork: () => Promise<boolean>;
  /** Disk full: does a write to the data folder succeed now? */
  probeStorage: () => Promise<boolean>;
  /** Segmind answered 429: whoever spaces requests (request-budget.ts) should take the hint. */
  onRateLimited?: () => void;
}

/** Network failures in a row, with no answer between, that mean "offline" rather than "a bad request". */
const OFFLINE_AFTER = 3;
/** However long Retry-After asks for, one rate-limit pause lasts at most this; another 429 starts the next. */
export const RATE_LIMIT_STEP_MAX_MS = 120_000;
const MAX_PROBE_GAP_MS = 60_000;
const RATE_KEY = 'gate:rate';
type Probed = 'offline' | 'disk_full';

export function createQueueGate(options: QueueGateOptions): QueueGate {
  const { now, random, timer, network, logger } = options;
  const reasons = new Map<PauseReason, { message: string; resumeAt: number | null }>();
  const probes: Record<Probed, { run: () => Promise<boolean>; attempt: number; clearedAt: number }> = {
    offline: { run: options.probeNetwork, attempt: 0, clearedAt: Number.NEGATIVE_INFINITY },
    disk_full: { run: options.probeStorage, attempt: 0, clearedAt: Number.NEGATIVE_INFINITY },
  };
  let networkStreak = 0;
  let rateStreak = 0;
  let credits: number | null = null;
  let disposed = false;

  const probeKey = (reason: Probed) => `gate:probe:${reason}`;

  /** A pause asked for again as it stands (the budget, at each pump) tells nobody anything new. */
  function sameAs(reason: PauseReason, message: string, resumeAt: number | null): boolean {
    const entry = reasons.get(reason);
    return entry !== undefined && entry.message === message && entry.resumeAt === resumeAt;
  }

  function set(reason: PauseReason, message: string, resumeAt: number | null): void {
    reasons.set(reason, { message, resumeAt });
    options.onChange();
  }

  function clear(reason: PauseReason): void {
    if (!reasons.delete(reason)) return;
    if (reason === 'offline' || reason === 'disk_full') {
      timer.cancel(probeKey(reason));
      probes[reason].clearedAt = now();
    }
    if (reason === 'rate_limited') timer.cancel(RATE_KEY);
    options.onChange();
    options.onOpen();
  }

  /** Books the next check. It is booked before the check runs, so no answer (or lack of one) can end the loop. */
  function bookProbe(reason: Probed, message: string): void {
    const probe = probes[reason];
    // A pause back soon after its check passed (the check can pass while the real write still
    // fails) goes on with the gaps it had reached instead of checking every second again.
    if (!reasons.has(reason) && now() - probe.clearedAt > MAX_PROBE_GAP_MS) probe.attempt = 0;
    const at = now() + jitteredBackoff(probe.attempt++, random, 1000, MAX_PROBE_GAP_MS);
    set(reason, message, at);
    timer.at(probeKey(reason), at, () => runProbe(reason));
  }

  /**
   * One check per booked turn, even if the last is still out: a check that never settles (its own
   * deadline should see to that) must not silence the ones after it.
   */
  function runProbe(reason: Probed): void {
    const entry = reasons.get(reason);
    if (!entry) return;
    bookProbe(reason, entry.message);
    // While the OS says there is no network its own event ends the pause; the turns go on meanwhile,
    // so a missed event costs one gap, not the queue.
    if (reason === 'offline' && osOffline()) return;
    probes[reason].run().then(
      (passed) => {
        if (passed && !disposed) clear(reason);
      },
      (error: unknown) => logger.warn(`[jobs] the ${reason} check failed:`, error),
    );
  }

  /** Starts a checked pause with its probe loop, or only updates the text of one already on. */
  function pauseChecked(reason: Probed, message: string): void {
    const entry = reasons.get(reason);
    if (!entry) return bookProbe(reason, message);
    reasons.set(reason, { ...entry, message });
    options.onChange();
  }
  const goOffline = (message: string) => pauseChecked('offline', message);
  const storageFailed = (message: string) => pauseChecked('disk_full', message);

  function osChanged(): void {
    if (network?.isOnline()) {
      networkStreak = 0;
      clear('offline');
    } else {
      goOffline('The computer is offline. The queue resumes by itself when the connection is back.');
    }
  }

  const osOffline = () => network !== undefined && !network.isOnline();
  const unsubscribe = network?.onChange(osChanged);
  if (network && !network.isOnline()) osChanged();

  const holding = (which: 'submit' | 'poll') => {
    for (const reason of reasons.keys()) {
      if (pauseRules[reason].heldPerJob) continue;
      if (which === 'submit' || pauseRules[reason].holdsPolls) return true;
    }
    return false;
  };

  function rateLimited(retryAfterMs: number | undefined, message: string): void {
    rateStreak++;
    // Retry-After is the server's word, honoured up to a step, a little later so the herd spreads.
    const asked = retryAfterMs ?? jitteredBackoff(rateStreak, random, 1000, RATE_LIMIT_STEP_MAX_MS);
    const spread = Math.round(random() * Math.min(1000, asked * 0.2 + 50));
    const at = Math.max(
      now() + Math.min(RATE_LIMIT_STEP_MAX_MS, asked + spread),
      reasons.get('rate_limited')?.resumeAt ?? 0,
    );
    set('rate_limited', message, at);
    timer.at(RATE_KEY, at, () => clear('rate_limited'));
  }

  function answered(): void {
    networkStreak = 0;
    if (!osOffline()) clear('offline');
  }

  return {
    maySubmit: () => !holding('submit'),
    mayPoll: () => !holding('poll'),
    pause(reason, message, resumeAt = null) {
      // The timed and checked pauses get their owner whoever starts them.
      if (reason === 'offline') goOffline(message);
      else if (reason === 'disk_full') storageFailed(message);
      else if (reason === 'rate_limited') rateLimited(undefined, message);
      else if (!sameAs(reason, message, resumeAt)) set(reason, message, resumeAt);
    },
    clear,
    rateLimited: (retryAfterMs) => {
      options.onRateLimited?.();
      rateLimited(retryAfterMs, pauseRules.rate_limited.message);
    },
    networkFailed() {
      networkStreak++;
      if (networkStreak >= OFFLINE_AFTER && !reasons.has('offline')) goOffline(pauseRules.offline.message);
    },
    answered,
    succeeded(remainingCredits) {
      answered();
      rateStreak = 0;
      if (remainingCredits !== undefined) credits = remainingCredits;
    },
    storageFailed,
    remainingCredits: () => credits,
    userResume() {
      for (const reason of reasons.keys()) {
        const rule = pauseRules[reason].onResume;
        if (rule === 'clear') clear(reason);
        else if (rule === 'probe') {
          probes[reason as Probed].attempt = 0;
          runProbe(reason as Probed);
        }
      }
    },
    status() {
      const reason = pausePriority.find((r) => reasons.has(r)) ?? null;
      if (!reason)
        return { state: 'running', reason: null, message: 'The queue is running.', resumeAt: null };
      const entry = reasons.get(reason);
      return { state: 'paused', reason, message: entry?.message ?? '', resumeAt: entry?.resumeAt ?? null };
    },
    dispose() {
      disposed = true;
      unsubscribe?.();
      timer.cancel(probeKey('offline'));
      timer.cancel(probeKey('disk_full'));
      timer.cancel(RATE_KEY);
    },
  };
}
