import { create } from 'zustand';
import { untilRightLimits } from '../../../../shared/api/jobs.ts';
import type { UntilRightChain } from '../../../../shared/api/until-right.ts';
import type { ModelId, ModelParams } from '../../../../shared/models/index.ts';
import { estimate, formatUsd } from '../../../../shared/pricing.ts';
import { quotedPhrases } from '../../../../shared/quoted-text.ts';
import { call, on } from '../../bridge/api.ts';
import { askToSpend } from '../spend/confirm-spend.tsx';
import { useSpend } from '../spend/spend-store.ts';

interface UntilRightState {
  /** The compose form's option. */
  enabled: boolean;
  retries: number;
  /** Chains by their first job's id, and which chain each known job belongs to. */
  chains: Record<string, UntilRightChain>;
  chainOf: Record<string, string>;
  /** Jobs asked about already (a job in no chain stays asked: it is in none). */
  asked: Record<string, true>;
  setEnabled(enabled: boolean): void;
  setRetries(retries: number): void;
  apply(chain: UntilRightChain): void;
  /** Fetches the chains of these jobs if not known yet; calls in one turn go as one request. */
  want(jobId: string): void;
}

let wanted = new Set<string>();
let flush: Promise<void> | null = null;

export const useUntilRight = create<UntilRightState>()((set, get) => ({
  enabled: false,
  retries: untilRightLimits.defaultRetries,
  chains: {},
  chainOf: {},
  asked: {},
  setEnabled: (enabled) => set({ enabled }),
  setRetries(retries) {
    const { minRetries, maxRetries } = untilRightLimits;
    if (Number.isInteger(retries)) set({ retries: Math.min(maxRetries, Math.max(minRetries, retries)) });
  },
  apply(chain) {
    const chainOf = { ...get().chainOf };
    for (const id of chain.jobIds) chainOf[id] = chain.id;
    set({ chains: { ...get().chains, [chain.id]: chain }, chainOf });
  },
  want(jobId) {
    if (get().asked[jobId] || get().chainOf[jobId]) return;
    wanted.add(jobId);
    flush ??= Promise.resolve().then(async () => {
      const jobIds = [...wanted];
      wanted = new Set();
      flush = null;
      set({ asked: { ...get().asked, ...Object.fromEntries(jobIds.map((id) => [id, true as const])) } });
      try {
        for (const chain of await call('untilRight:list', { jobIds })) get().apply(chain);
      } catch {
        // The row simply shows no chain; the next event about it brings it.
      }
    });
  },
}));

export function subscribeUntilRight(): () => void {
  return on('untilRight:changed', (chain) => useUntilRight.getState().apply(chain));
}

/** The option as jobs:create takes it, when it is on and the prompt quotes text to check. */
export function untilRightRequest(params: ModelParams): { retries: number } | undefined {
  const { enabled, retries } = useUntilRight.getState();
  const prompt = typeof params.prompt === 'string' ? params.prompt : '';
  return enabled && quotedPhrases(prompt).length > 0 ? { retries } : undefined;
}

/** What the retries may add: the same request again, `retries` times at most. */
export function retriesCost(model: ModelId, params: ModelParams, retries: number) {
  const one = estimate(model, params, useSpend.getState().totals?.prices);
  return { images: one.images * retries, usd: one.usd * retries, first: one };
}

/** Above the threshold in Settings the worst case (every retry made) is asked about first. */
export function confirmWorstCase(model: ModelId, params: ModelParams, retries: number): Promise<boolean> {
  const { images, usd, first } = retriesCost(model, params, retries);
  return askToSpend({
    title: `Generate until the text is right (up to ${formatUsd(first.usd + usd)})`,
    jobs: 1 + retries,
    images: first.images + images,
    usd: first.usd + usd,
    atMost: true,
  });
}
