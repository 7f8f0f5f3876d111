import { create } from 'zustand';
import type { Balance, SpendSummary, SpendTotals } from '../../../../shared/api/spend.ts';
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

/** The open Spend view follows new charges, at most this often: a run of jobs is one recount. */
const SUMMARY_EVERY_MS = 2000;

export function subscribeSpend(): () => void {
  let pending: ReturnType<typeof setTimeout> | undefined;
  const offTotals = on('spend:changed', (totals) => {
    useSpend.setState({ totals });
    if (!useSpend.getState().open || pending) return;
    pending = setTimeout(() => {
      pending = undefined;
      if (useSpend.getState().open) void useSpend.getState().loadSummary();
    }, SUMMARY_EVERY_MS);
  });
  const offBalance = on('balance:changed', (balance) => useSpend.setState({ balance }));
  return () => {
    clearTimeout(pending);
    offTotals();
    offBalance();
  };
}
