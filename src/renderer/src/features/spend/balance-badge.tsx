import { formatUsd } from '../../../../shared/pricing.ts';
import { formatDate } from '../../lib/format.ts';
import { useSpend } from './spend-store.ts';

/** The account balance in the header: Segmind's figure, refreshed after jobs and when clicked. */
export function BalanceBadge() {
  const balance = useSpend((state) => state.balance);
  const busy = useSpend((state) => state.balanceBusy);
  const refresh = useSpend((state) => state.refreshBalance);
  const known = balance?.state === 'known' && balance.usd !== null;
  // The built-in simulator keeps play money: saying so on the badge itself keeps "no credits are
  // spent" (the simulator banner) and a balance that goes down from being read as a contradiction.
  const label = balance?.simulated ? 'Simulated balance' : 'Balance';
  const text = known ? `${label} ${formatUsd(balance.usd!)}` : `${label} unknown`;
  const details = [
    known && balance.credits !== null
      ? `${formatUsd(balance.credits)} credits + ${formatUsd(balance.freeCredits ?? 0)} free credits`
      : null,
    known && balance.at !== null
      ? `As of ${formatDate(balance.at)}, from ${balance.source === 'header' ? "Segmind's last answer" : "Segmind's balance route"}.`
      : null,
    balance?.simulated ? 'Simulator money: nothing is really spent.' : null,
    balance?.note ?? null,
    'Click to ask Segmind again.',
  ].filter(Boolean);
  return (
    <button
      type="button"
      className={`btn btn-small balance-badge ${known ? '' : 'balance-unknown'}`}
      data-testid="balance"
      title={details.join(' ')}
      aria-label={`${text}. Refresh the balance`}
      disabled={busy}
      onClick={() => void refresh()}
    >
      {busy ? <span className="spinner" aria-hidden="true" /> : null}
      {text}
    </button>
  );
}
