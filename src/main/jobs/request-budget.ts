import type { SharedTimer } from './shared-timer.ts';

/** The account's rate limit: Segmind documents 5 requests a minute on its free plan, 50 on Pro. */
export interface RateLimitSetting {
  /** Requests allowed per minute; null = no limit known (429s alone slow the queue down). */
  perMinute: number | null;
  /** Whether status polls count against it (Segmind does not say; submits always do). */
  pollsCount: boolean;
}

export type RequestKind = 'submit' | 'poll';

/**
 * The bucket as it stands, for a finish-time forecast: tokens on hand, how many it holds, how fast it
 * refills, and how many poll-kind requests each submit has drawn lately (0 when polls do not count).
 * `perMinute` null: no limit, nothing to wait for.
 */
export interface TokenForecast {
  perMinute: number | null;
  tokens: number;
  capacity: number;
  refillPerMs: number;
  pollsPerSubmit: number;
}

interface Waiter {
  kind: RequestKind;
  /** How much this request is worth now (see createRequestBudget); read when a token frees up. */
  value: () => number;
  run: () => void;
}

export interface RequestBudget {
  /**
   * Sends `run` now if the budget allows, else when a token frees up and this request is the most
   * valuable of those waiting. A second ask under the same key replaces the first.
   */
  ask(key: string, kind: RequestKind, value: () => number, run: () => void): void;
  /** Drops a waiting ask (a job canceled, finished or forgotten). */
  cancel(key: string): void;
  /** Takes a token for a request sent now, if one is free and nothing waits before it. */
  take(kind: RequestKind): boolean;
  /** Gives back a token an ask was granted but did not use (its request went out another way). */
  refund(kind: RequestKind): void;
  /** The time the next token frees up (now if one is free). */
  nextTokenAt(): number;
  forecast(): TokenForecast;
  waiting(): number;
  /**
   * How scarce requests are: 1 while the budget keeps up, more as asks pile up waiting. The poll
   * planner prices a request that many times higher, so each job plans fewer, better-placed polls
   * instead of all of them queueing for tokens that come too late to matter.
   */
  pressure(): number;
  setLimit(setting: RateLimitSetting): void;
  /** Segmind refused a request as over its limit: the tokens on hand were an overestimate. */
  refused(): void;
  dispose(): void;
}

/**
 * A new job is worth starting, when tokens are scarce, once no poll waiting has at least this chance
 * of finding its job done: a poll that likely finds a finished (paid) image beats a submit, a long
 * shot does not. A judgement, not a tuned number: anything in 0.1..0.3 behaves alike on bench:polling.
 */
export const SUBMIT_VALUE = 0.2;

/** The window is counted a little long: our send times and the server's receive times differ. */
const WINDOW_MARGIN_MS = 1_000;
const WINDOW_MS = 60_000;

const BUDGET_KEY = 'budget:token';
/** The pressure rises fast while asks queue and eases off slowly while tokens go unclaimed. */
const PRESSURE_UP = 1.15;
const PRESSURE_DOWN = 0.97;
const MAX_PRESSURE = 1e4;

/**
 * Every request the queue sends to Segmind goes through here when the account has a known limit, so
 * the queue spaces its own requests instead of bouncing off 429s.
 *
 * A token bucket: capacity C, refilled at (limit - C) per window. Any window of that length then
 * sees at most C + (limit - C) = limit requests, so a server counting per sliding or fixed minute
 * never has cause to refuse one; a small C keeps the spend smooth (a big burst would leave the rest
 * of the minute silent while results wait). When requests wait, the freed token goes to the most
 * valuable one: for a poll, the chance it finds its request done; for a submit, SUBMIT_VALUE.
 */
export function createRequestBudget(options: {
  now: () => number;
  timer: SharedTimer;
  setting: RateLimitSetting;
}): RequestBudget {
  const { now, timer } = options;
  const waiters = new Map<string, Waiter>();
  let setting = options.setting;
  let capacity = 0;
  let refillPerMs = 0;
  let tokens = 0;
  let updatedAt = now();
  let pressure = 1;
  // Limited requests sent, by kind, since the setting last changed: polls per submit for forecasts.
  const spent = { submit: 0, poll: 0 };

  function configure(next: RateLimitSetting): void {
    setting = next;
    spent.submit = 0;
    spent.poll = 0;
    if (next.perMinute === null) return;
    capacity = Math.max(1, Math.min(3, Math.floor(next.perMinute / 10)));
    refillPerMs = Math.max(0, next.perMinute - capacity) / (WINDOW_MS + WINDOW_MARGIN_MS);
    tokens = Math.min(tokens, capacity);
  }
  configure(setting);
  tokens = capacity;

  function limited(kind: RequestKind): boolean {
    return setting.perMinute !== null && (kind === 'submit' || setting.pollsCount);
  }

  function refill(): void {
    const t = now();
    tokens = Math.min(capacity, tokens + (t - updatedAt) * refillPerMs);
    updatedAt = t;
  }

  function nextTokenAt(): number {
    refill();
    if (tokens >= 1 || refillPerMs <= 0) return now();
    return now() + Math.ceil((1 - tokens) / refillPerMs);
  }

  function grant(): void {
    refill();
    while (tokens >= 1 && waiters.size > 0) {
      let bestKey: string | null = null;
      let best = Number.NEGATIVE_INFINITY;
      for (const [key, waiter] of waiters) {
        const value = waiter.kind === 'submit' ? SUBMIT_VALUE : waiter.value();
        if (value > best) {
          best = value;
          bestKey = key;
        }
      }
      const waiter = waiters.get(bestKey!)!;
      waiters.delete(bestKey!);
      tokens -= 1;
      spent[waiter.kind]++;
      // Polls still queued after this grant: requests are scarcer than the plans assume. (Submits
      // queue as a matter of course in a batch: they say nothing about the polls' plans.)
      if ([...waiters.values()].some((w) => w.kind === 'poll')) {
        pressure = Math.min(MAX_PRESSURE, pressure * PRESSURE_UP);
      } else if (waiter.kind === 'poll') {
        pressure = Math.max(1, pressure * PRESSURE_DOWN);
      }
      waiter.run();
    }
    if (waiters.size > 0) timer.at(BUDGET_KEY, nextTokenAt(), grant);
    else timer.cancel(BUDGET_KEY);
  }

  return {
    ask(key, kind, value, run) {
      waiters.delete(key);
      if (!limited(kind)) return run();
      refill();
      // Nothing waits before it: a free token is this request's. Otherwise it queues by value.
      if (tokens >= 1 && waiters.size === 0) {
        tokens -= 1;
        spent[kind]++;
        pressure = Math.max(1, pressure * PRESSURE_DOWN);
        return run();
      }
      waiters.set(key, { kind, value, run });
      timer.at(BUDGET_KEY, nextTokenAt(), grant);
    },
    cancel(key) {
      waiters.delete(key);
      if (waiters.size === 0) timer.cancel(BUDGET_KEY);
    },
    take(kind) {
      if (!limited(kind)) return true;
      refill();
      if (tokens < 1 || waiters.size > 0) return false;
      tokens -= 1;
      spent[kind]++;
      return true;
    },
    refund(kind) {
      if (!limited(kind)) return;
      refill();
      tokens = Math.min(capacity, tokens + 1);
      spent[kind] = Math.max(0, spent[kind] - 1);
    },
    nextTokenAt,
    forecast() {
      refill();
      return {
        perMinute: setting.perMinute,
        tokens,
        capacity,
        refillPerMs,
        // Before any job was seen, a poll that finds it done and the result fetch: two per submit.
        pollsPerSubmit: !setting.pollsCount ? 0 : spent.submit === 0 ? 2 : spent.poll / spent.submit,
      };
    },
    waiting: () => waiters.size,
    pressure: () => (setting.perMinute === null ? 1 : pressure),
    setLimit(next) {
      refill();
      configure(next);
      if (waiters.size > 0) grant();
    },
    refused() {
      refill();
      tokens = 0;
    },
    dispose() {
      waiters.clear();
      timer.cancel(BUDGET_KEY);
    },
  };
}
