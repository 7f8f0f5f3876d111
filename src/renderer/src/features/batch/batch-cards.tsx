import { memo } from 'react';
import type { BatchSummary } from '../../../../shared/api/batches.ts';
import { models } from '../../../../shared/models/index.ts';
import { formatUsd } from '../../../../shared/pricing.ts';
import { formatDuration } from '../../lib/format.ts';
import { useNow } from '../../lib/use-now.ts';
import { useBatches } from './batch-store.ts';

const stateWords: Record<BatchSummary['state'], string> = {
  queuing: 'Queuing',
  waiting: 'Waiting',
  running: 'Running',
  paused: 'Paused',
  done: 'Done',
};

const timeFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });

/** "done about 14:32 (in 4m 10s)": the clock ticks in this line only. */
function FinishTime({ at }: { at: number }) {
  const now = useNow(true, 1000);
  return (
    <span data-testid="batch-finish">
      done about {timeFormat.format(new Date(at))} (in {formatDuration(Math.max(0, at - now))})
    </span>
  );
}

const BatchCard = memo(function BatchCard({ batch }: { batch: BatchSummary }) {
  const { act, openGrid, exportCsv } = useBatches.getState();
  const ended = batch.completed + batch.failed + batch.canceled;
  const active = batch.total - ended;
  const fraction = batch.total === 0 ? 0 : ended / batch.total;
  return (
    <li className={`batch-card batch-${batch.state}`} aria-label={`Batch ${batch.name}`}>
      <div className="job-top">
        <strong className="batch-name">{batch.name}</strong>
        <span className={`job-state batch-state-${batch.state}`}>{stateWords[batch.state]}</span>
      </div>
      <p className="muted batch-meta">
        {models[batch.model].label} · {batch.origin === 'file' ? 'from a file' : 'matrix'} ·{' '}
        {new Date(batch.createdAt).toLocaleString()}
      </p>
      <div
        className="progress"
        role="progressbar"
        aria-label={`Progress of ${batch.name}`}
        aria-valuemin={0}
        aria-valuemax={batch.total}
        aria-valuenow={ended}
        aria-valuetext={`${ended} of ${batch.total}`}
      >
        <span style={{ width: `${fraction * 100}%` }} />
      </div>
      <p className="batch-line" data-testid="batch-progress">
        {ended} of {batch.total} · {batch.images} image{batch.images === 1 ? '' : 's'}
        {batch.failed > 0 ? ` · ${batch.failed} failed` : ''}
        {batch.canceled > 0 ? ` · ${batch.canceled} canceled` : ''}
      </p>
      <p className="batch-line muted" data-testid="batch-spend">
        {formatUsd(batch.spentUsd)} spent of about {formatUsd(batch.expectedUsd)}
        {batch.finishesAt !== null && active > 0 ? (
          <>
            {' · '}
            <FinishTime at={batch.finishesAt} />
          </>
        ) : null}
      </p>
      <div className="job-actions">
        {active > 0 && !batch.paused && batch.state !== 'queuing' && (
          <button type="button" className="btn btn-small" onClick={() => void act(batch.id, 'pause')}>
            Pause batch
          </button>
        )}
        {active > 0 && batch.paused && (
          <button type="button" className="btn btn-small" onClick={() => void act(batch.id, 'resume')}>
            Resume batch
          </button>
        )}
        {batch.waiting > 0 && (
          <button
            type="button"
            className="btn btn-small"
            title="Cancels what is not sent yet; jobs already sent finish (they are paid for)."
            onClick={() => void act(batch.id, 'cancelRest')}
          >
            Cancel the rest ({batch.waiting})
          </button>
        )}
        <button type="button" className="btn btn-small" onClick={() => void openGrid(batch.id)}>
          Grid
        </button>
        <button type="button" className="btn btn-small" onClick={() => void exportCsv(batch.id)}>
          Export CSV
        </button>
        {active === 0 && (
          <button type="button" className="btn btn-small" onClick={() => void act(batch.id, 'remove')}>
            Remove
          </button>
        )}
      </div>
    </li>
  );
});

/** The batches, newest first, above the queue's jobs. */
export function BatchCards() {
  const order = useBatches((state) => state.order);
  const batches = useBatches((state) => state.batches);
  const note = useBatches((state) => state.note);
  if (order.length === 0) return null;
  return (
    <section aria-label="Batches" className="batch-cards">
      {note && (
        <p className="import-note" role="status">
          {note}{' '}
          <button type="button" className="btn btn-small" onClick={() => useBatches.setState({ note: null })}>
            Dismiss
          </button>
        </p>
      )}
      <ul className="job-list" aria-label="Batches">
        {order.map((id) => {
          const batch = batches[id];
          return batch ? <BatchCard key={id} batch={batch} /> : null;
        })}
      </ul>
    </section>
  );
}
