import { create } from 'zustand';
import type { Balance, SpendSummary, SpendTotals } from '../../../../shared/api/spend.ts';
import type { ModelId, ModelParams } from '../../../../shared/models/index.ts';
import { estimate, estimateAll, type Estimate } from '../../../../shared/pricing.ts';
import { call, on } from '../../bridge/api.ts';
import { messageOf } from '../../lib/errors.ts';

interface SpendState {
  totals: SpendTotals | null;
  balance: Balance | null;
  balanceBusy: boolean;
  /** The Spend view's figures; asked for when it opens and while it is open. */
  summary: SpendSummary | null;
  summaryError: string | null;
  open: boolean;
  setOpen(open: boolean): void;
  load(): Promise<void>;
  refreshBalance(): Promise<void>;
  loadSummary(): Promise<void>;
}

export const useSpend = create<SpendState>()((set, get) => ({
  totals: null,
  balance: null,
  balanceBusy: false,
  summary: null,
  summaryError: null,
  open: false,
  setOpen(open) {
    set({ open });
    if (open) void get().loadSummary();
  },
  async load() {
    try {
      const [summary, balance] = await Promise.all([call('spend:summary'), call('balance:get')]);
      set({ totals: summary, balance });
    } catch {
      // The header shows "unknown" and the estimate falls back to the published table until events arrive.
    }
  },
  async refreshBalance() {
    set({ balanceBusy: true });
    try {
      set({ balance: await call('balance:refresh') });
    } catch (error) {
      const balance = get().balance;
      if (balance) set({ balance: { ...balance, note: messageOf(error) } });
    } finally {
      set({ balanceBusy: false });
    }
  },
  async loadSummary() {
    try {
      const summary = await call('spend:summary');
      set({ summary, totals: summary, summaryError: null });
    } catch (error) {
      set({ summaryError: messageOf(error) });
    }
  },
}));

/** The estimate of one request with the prices main says are in force (published until it says). */
export function estimateOf(model: ModelId, params: ModelParams): Estimate {
  return estimate(model, params, useSpend.getState().totals?.prices);
}

export function estimateMany(requests: { model: ModelId; params: ModelParams }[]) {
  return estimateAll(requests, useSpend.getState().totals?.prices);
}

export function subscribeSpend(): () => void {
  const offTotals = on('spend:changed', (totals) => {
    useSpend.setState({ totals });
    if (useSpend.getState().open) void useSpend.getState().loadSummary();
  });
  const offBalance = on('balance:changed', (balance) => useSpend.setState({ balance }));
  return () => {
    offTotals();
    offBalance();
  };
}
