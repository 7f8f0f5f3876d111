import type { Balance } from '../../shared/api/spend.ts';
import type { Logger } from '../logging/logger.ts';
import type { AccountCredits } from '../segmind/balance.ts';
import { SegmindError, type UsageHeaders } from '../segmind/index.ts';

export interface BalanceTrackerOptions {
  /** Asks Segmind's balance route; null while there is no connection to ask. */
  fetchCredits: () => Promise<AccountCredits> | null;
  simulated: () => boolean;
  now: () => number;
  onChange: (balance: Balance) => void;
  logger: Logger;
  /** How long after the last finished job the balance is asked again: a run of jobs costs one call. */
  settleMs?: number;
}

export interface BalanceTracker {
  get(): Balance;
  /** The `x-remaining-credits` of any answer: the freshest word there is, and free. */
  sawUsage(usage: UsageHeaders | undefined): void;
  /** Asks the balance route now (one call at a time; callers share it). */
  refresh(): Promise<Balance>;
  /** After jobs: asks once things have settled. */
  refreshSoon(): void;
  /** The connection changed (a new key, live or simulator): what was known is someone else's balance. */
  reset(): void;
  dispose(): void;
}

const unknown = (simulated: boolean, note: string): Balance => ({
  state: 'unknown',
  usd: null,
  credits: null,
  freeCredits: null,
  source: null,
  at: null,
  note,
  simulated,
});

export function createBalanceTracker(options: BalanceTrackerOptions): BalanceTracker {
  const { now, logger } = options;
  const settleMs = options.settleMs ?? 1500;
  let balance = unknown(options.simulated(), 'Segmind has not said the balance yet.');
  let inFlight: Promise<Balance> | null = null;
  let generation = 0;
  let soon: ReturnType<typeof setTimeout> | undefined;

  function set(next: Balance): void {
    balance = next;
    options.onChange(balance);
  }

  async function ask(): Promise<Balance> {
    const asked = generation;
    const call = options.fetchCredits();
    if (!call) return balance;
    try {
      const { credits, freeCredits } = await call;
      if (asked === generation) {
        set({
          state: 'known',
          usd: credits + freeCredits,
          credits,
          freeCredits,
          source: 'endpoint',
          at: now(),
          note: null,
          simulated: options.simulated(),
        });
      }
    } catch (error) {
      const why =
        error instanceof SegmindError && error.kind === 'not_found'
          ? 'This server has no balance route (GET /v1/get-user-credits).'
          : `The balance could not be fetched: ${error instanceof Error ? error.message : String(error)}`;
      logger.warn(`[spend] ${why}`);
      // A balance seen on an earlier answer is still the best there is: keep it, say why it is not newer.
      if (asked === generation) set({ ...balance, note: why });
    }
    return balance;
  }

  return {
    get: () => balance,
    sawUsage(usage) {
      const remaining = usage?.remainingCredits;
      if (remaining === undefined || !Number.isFinite(remaining)) return;
      set({
        state: 'known',
        usd: remaining,
        // The header tells the total only; the split is the balance route's to say.
        credits: null,
        freeCredits: null,
        source: 'header',
        at: now(),
        note: null,
        simulated: options.simulated(),
      });
    },
    refresh() {
      inFlight ??= ask().finally(() => {
        inFlight = null;
      });
      return inFlight;
    },
    refreshSoon() {
      clearTimeout(soon);
      soon = setTimeout(() => void this.refresh(), settleMs);
      soon.unref?.();
    },
    reset() {
      generation++;
      set(unknown(options.simulated(), 'Asking Segmind for the balance…'));
    },
    dispose() {
      clearTimeout(soon);
    },
  };
}
