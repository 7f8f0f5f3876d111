import { budgetUsed, type BudgetStatus, type SpendTotal } from '../../../../shared/api/spend.ts';
import { isModelId, models } from '../../../../shared/models/index.ts';
import { formatUsd } from '../../../../shared/pricing.ts';
import { Modal } from '../../app/modal.tsx';
import { ErrorState, LoadingState } from '../../app/states.tsx';
import { useSettings } from '../settings/settings-store.ts';
import { SpendChart } from './spend-chart.tsx';
import { useSpend } from './spend-store.ts';
import './spend.css';

const images = (n: number) => `${n} image${n === 1 ? '' : 's'}`;

function Card({ title, total, cap }: { title: string; total: SpendTotal; cap: BudgetStatus['daily'] }) {
  const used = budgetUsed(cap);
  const share = cap.limitUsd ? Math.min(1, used / Math.max(cap.limitUsd, 1e-9)) : 0;
  return (
    <div className="spend-card" data-testid={`spend-${title.toLowerCase().replaceAll(' ', '-')}`}>
      <span className="muted">{title}</span>
      <strong>{formatUsd(total.usd)}</strong>
      <span className="muted">
        {images(total.images)} · {total.requests} request{total.requests === 1 ? '' : 's'}
      </span>
      {cap.limitUsd !== null ? (
        <>
          <div
            className={`spend-meter ${used >= cap.limitUsd ? 'spend-meter-over' : ''}`}
            role="meter"
            aria-label={`${title} of the budget`}
            aria-valuemin={0}
            aria-valuemax={cap.limitUsd}
            aria-valuenow={Math.min(used, cap.limitUsd)}
          >
            <span style={{ width: `${share * 100}%` }} />
          </div>
          <span className="muted">of a {formatUsd(cap.limitUsd)} budget</span>
        </>
      ) : (
        <span className="muted">No budget set</span>
      )}
    </div>
  );
}

/** A plain table whose first column is a name and the others are figures. */
function SpendTable({
  labelledBy,
  head,
  rows,
}: {
  labelledBy: string;
  head: string[];
  rows: { key: string; cells: (string | number)[] }[];
}) {
  return (
    <table className="spend-table" aria-labelledby={labelledBy}>
      <thead>
        <tr>
          {head.map((title, i) => (
            <th key={title} className={i > 0 ? 'num' : undefined}>
              {title}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr key={row.key}>
            {row.cells.map((cell, i) => (
              <td key={i} className={i > 0 ? 'num' : undefined}>
                {cell}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Spend: today, this month, per model and per collection, from the ledger of charged requests. */
export function SpendDialog() {
  const open = useSpend((state) => state.open);
  const setOpen = useSpend((state) => state.setOpen);
  const summary = useSpend((state) => state.summary);
  const error = useSpend((state) => state.summaryError);
  const openSettings = useSettings((state) => state.setOpen);
  return (
    <Modal title="Spend" open={open} onClose={() => setOpen(false)} className="spend-modal">
      {!summary ? (
        error ? (
          <ErrorState
            title="Spend could not be loaded"
            message={error}
            onRetry={() => void useSpend.getState().loadSummary()}
          />
        ) : (
          <LoadingState>Adding up…</LoadingState>
        )
      ) : (
        <div className="spend">
          <div className="spend-cards">
            <Card title="Today" total={summary.today} cap={summary.budgets.daily} />
            <Card title="This month" total={summary.month} cap={summary.budgets.monthly} />
          </div>
          {summary.budgets.daily.inFlightUsd > 0 && (
            <p className="muted">
              About {formatUsd(summary.budgets.daily.inFlightUsd)} more is on its way: sent to Segmind, not
              yet settled.
            </p>
          )}
          {summary.month.estimatedUsd > 0 && (
            <p className="muted">
              {formatUsd(summary.month.estimatedUsd)} of this month is estimated: Segmind did not report those
              charges.
            </p>
          )}
          {summary.unconfirmed.requests > 0 && (
            <p className="muted">
              {summary.unconfirmed.requests} request{summary.unconfirmed.requests === 1 ? ' was' : 's were'}{' '}
              cut off while being sent: Segmind may have charged about {formatUsd(summary.unconfirmed.usd)}{' '}
              for {summary.unconfirmed.requests === 1 ? 'it' : 'them'}. It is not in the totals above, and
              your budgets count it.
            </p>
          )}
          <section aria-labelledby="spend-days">
            <h3 id="spend-days">Last 30 days</h3>
            <SpendChart days={summary.days} />
          </section>
          <section aria-labelledby="spend-models">
            <h3 id="spend-models">This month by model</h3>
            <SpendTable
              labelledBy="spend-models"
              head={['Model', 'Requests', 'Images', 'Spent']}
              rows={summary.byModel.map((row) => ({
                key: row.model,
                cells: [
                  isModelId(row.model) ? models[row.model].label : row.model,
                  row.requests,
                  row.images,
                  formatUsd(row.usd),
                ],
              }))}
            />
          </section>
          <section aria-labelledby="spend-collections">
            <h3 id="spend-collections">This month by collection</h3>
            {summary.byCollection.length === 0 ? (
              <p className="muted">No image made this month is in a collection yet.</p>
            ) : (
              <SpendTable
                labelledBy="spend-collections"
                head={['Collection', 'Spent']}
                rows={summary.byCollection.map((row) => ({
                  key: String(row.collectionId),
                  cells: [row.name, formatUsd(row.usd)],
                }))}
              />
            )}
          </section>
          <p className="muted" data-testid="spend-all-time">
            All time: {formatUsd(summary.allTime.usd)} for {images(summary.allTime.images)} in{' '}
            {summary.allTime.requests} requests.{' '}
            <button
              type="button"
              className="btn btn-small"
              onClick={() => {
                setOpen(false);
                openSettings(true);
              }}
            >
              Budgets and prices
            </button>
          </p>
        </div>
      )}
    </Modal>
  );
}
