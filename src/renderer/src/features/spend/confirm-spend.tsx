import { create } from 'zustand';
import { budgetUsed } from '../../../../shared/api/spend.ts';
import { formatUsd } from '../../../../shared/pricing.ts';
import { Modal } from '../../app/modal.tsx';
import { useSpend } from './spend-store.ts';
import './spend.css';

export interface SpendQuestion {
  /** What is about to happen, e.g. "4 variations". */
  title: string;
  jobs: number;
  images: number;
  usd: number;
  /** The figures are a worst case (until it's right: retries only if the text is wrong). */
  atMost?: boolean;
}

interface ConfirmState {
  pending: (SpendQuestion & { answer(yes: boolean): void }) | null;
}

const useConfirm = create<ConfirmState>()(() => ({ pending: null }));

/**
 * Before an action that makes several jobs: below the threshold in Settings it just goes ahead (its
 * button already says the count and the price); above it, the user is asked first.
 */
export function askToSpend(question: SpendQuestion): Promise<boolean> {
  const threshold = useSpend.getState().totals?.askAboveUsd ?? 1;
  if (question.usd <= threshold + 1e-9) return Promise.resolve(true);
  useConfirm.getState().pending?.answer(false);
  return new Promise((resolve) => {
    useConfirm.setState({
      pending: {
        ...question,
        answer(yes) {
          useConfirm.setState({ pending: null });
          resolve(yes);
        },
      },
    });
  });
}

/** The budget a spend would go past, in a sentence, or null. */
function budgetNote(usd: number): string | null {
  const budgets = useSpend.getState().totals?.budgets;
  if (!budgets) return null;
  for (const [name, window] of [
    ['daily', budgets.daily],
    ['monthly', budgets.monthly],
  ] as const) {
    const used = budgetUsed(window);
    if (window.limitUsd !== null && used + usd > window.limitUsd + 1e-9) {
      return `This goes past your ${name} budget (${formatUsd(used)} of ${formatUsd(window.limitUsd)} used): the jobs beyond it wait in the queue until you raise it.`;
    }
  }
  return null;
}

export function ConfirmSpendDialog() {
  const pending = useConfirm((state) => state.pending);
  const threshold = useSpend((state) => state.totals?.askAboveUsd ?? 1);
  const note = pending ? budgetNote(pending.usd) : null;
  return (
    <Modal
      title={pending ? `${pending.title}?` : 'Confirm'}
      open={pending !== null}
      onClose={() => pending?.answer(false)}
      className="confirm-spend"
    >
      {pending && (
        <div>
          <p>
            <strong>
              {pending.atMost ? 'Up to ' : ''}
              {pending.jobs} job{pending.jobs === 1 ? '' : 's'}, {pending.images} image
              {pending.images === 1 ? '' : 's'}, about {formatUsd(pending.usd)}
              {pending.atMost ? ' at most' : ''}.
            </strong>
          </p>
          <p className="muted">
            You asked to be asked above {formatUsd(threshold)} (Settings, Budgets and prices). The price is an
            estimate.
          </p>
          {note && <p className="field-error">{note}</p>}
          <div className="confirm-actions">
            <button type="button" className="btn" onClick={() => pending.answer(false)}>
              Cancel
            </button>
            {/* The native dialog focuses the first button; a spend must be chosen, not defaulted. */}
            <button type="button" className="btn btn-primary" onClick={() => pending.answer(true)}>
              Make {pending.atMost ? 'up to ' : ''}
              {pending.images} image{pending.images === 1 ? '' : 's'}
            </button>
          </div>
        </div>
      )}
    </Modal>
  );
}
