import { memo, useState } from 'react';
import type { Job } from '../../../../shared/api/jobs.ts';
import { isModelId, models } from '../../../../shared/models/index.ts';
import { useBatches } from '../batch/batch-store.ts';
import { useQueue, WAITING_SHOWN } from './queue-store.ts';

const DRAG_TYPE = 'application/x-studio-queued-job';

const WaitingRow = memo(function WaitingRow({
  job,
  index,
  dragging,
  onDrag,
}: {
  job: Job;
  index: number;
  dragging: string | null;
  onDrag(id: string | null): void;
}) {
  const { move, cancel } = useQueue.getState();
  const note = useQueue((state) => state.notes[job.id]);
  const batchName = useBatches((state) => state.batches[job.batchId]?.name);
  const [over, setOver] = useState(false);
  return (
    <li
      className={`job job-queued waiting-row ${over ? 'waiting-drop' : ''}`}
      draggable
      aria-label={`Waiting ${index + 1}: ${job.prompt}`}
      onDragStart={(event) => {
        event.dataTransfer.setData(DRAG_TYPE, job.id);
        event.dataTransfer.effectAllowed = 'move';
        onDrag(job.id);
      }}
      onDragEnd={() => onDrag(null)}
      onDragOver={(event) => {
        if (!event.dataTransfer.types.includes(DRAG_TYPE)) return;
        event.preventDefault();
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={(event) => {
        const id = event.dataTransfer.getData(DRAG_TYPE) || dragging;
        setOver(false);
        if (!id || id === job.id) return;
        event.preventDefault();
        void move(id, { before: job.id });
      }}
    >
      <div className="job-top">
        <span className="job-model">
          {index + 1}. {isModelId(job.model) ? models[job.model].label : job.model}
          {batchName ? ` · ${batchName}` : ''}
        </span>
        <span className="job-state">{job.held ? 'Batch paused' : 'Waiting'}</span>
      </div>
      <p className="job-prompt" title={job.prompt}>
        {job.prompt}
      </p>
      {note && <p className="job-note">{note}</p>}
      <div className="job-actions">
        <button
          type="button"
          className="btn btn-small"
          disabled={index === 0}
          onClick={() => void move(job.id, { to: 'front' })}
        >
          To front
        </button>
        <button type="button" className="btn btn-small" onClick={() => void move(job.id, { to: 'back' })}>
          To back
        </button>
        {/* Nothing has been sent yet: canceling a waiting job costs nothing. */}
        <button type="button" className="btn btn-small" onClick={() => void cancel(job.id)}>
          Cancel
        </button>
      </div>
    </li>
  );
});

/** Waiting jobs in the order they will be sent: move one to either end, or drag it into place. */
export function WaitingList() {
  const waiting = useQueue((state) => state.waiting);
  const total = useQueue((state) => state.waitingTotal);
  const [dragging, setDragging] = useState<string | null>(null);
  if (waiting.length === 0) return null;
  return (
    <section aria-labelledby="waiting-heading" className="waiting">
      <h3 id="waiting-heading" className="field-group-title waiting-title">
        Waiting ({total.toLocaleString()}), in the order they go
      </h3>
      <ol className="job-list" aria-label="Waiting jobs">
        {waiting.map((job, index) => (
          <WaitingRow key={job.id} job={job} index={index} dragging={dragging} onDrag={setDragging} />
        ))}
      </ol>
      {total > WAITING_SHOWN && (
        <p className="muted waiting-more">
          …and {(total - WAITING_SHOWN).toLocaleString()} more after these.
        </p>
      )}
    </section>
  );
}
