import { isActiveJobState, type Job, type JobState } from '../../../../shared/api/jobs.ts';
import { isModelId, models } from '../../../../shared/models/index.ts';
import { mediaUrl } from '../../bridge/api.ts';
import { formatDuration } from '../../lib/format.ts';
import { useNow } from '../../lib/use-now.ts';
import { ErrorState, LoadingState } from '../../app/states.tsx';
import { useDetail } from '../detail/detail-store.ts';
import { JobCost, RetryButton } from '../spend/job-cost.tsx';
import { BatchCards } from '../batch/batch-cards.tsx';
import { useQueue, type JobView } from './queue-store.ts';
import { WaitingList } from './waiting-list.tsx';
import { UntilRightNote } from '../text-check/until-right-status.tsx';
import './queue.css';

const stageLabels: Record<JobState, string> = {
  queued: 'Waiting in queue',
  submitting: 'Sending to Segmind',
  submitted: 'Generating',
  downloading: 'Saving image',
  completed: 'Done',
  failed: 'Failed',
  canceled: 'Canceled',
  expired: 'Expired',
  interrupted: 'Interrupted',
};

function stageOf(job: Job, paused: boolean): string {
  if (job.state === 'queued' && paused) return 'Paused';
  if (job.state === 'submitted' && job.remoteStatus === 'QUEUED') return 'Queued at Segmind';
  return stageLabels[job.state];
}

/** Waiting, running against the learned estimate, or done: a finished job's estimate is no longer news. */
function timeLine(state: JobState, elapsedMs: number, expectedMs: number | null): string {
  if (state === 'queued') return `Waiting ${formatDuration(elapsedMs)}`;
  if (state === 'completed') return `Took ${formatDuration(elapsedMs)}`;
  return expectedMs
    ? `${formatDuration(elapsedMs)} of about ${formatDuration(expectedMs)}`
    : formatDuration(elapsedMs);
}

function JobRow({ view, now }: { view: JobView; now: number }) {
  const { job } = view;
  const note = useQueue((state) => state.notes[job.id]);
  const { cancel, retry, remove } = useQueue.getState();
  const openDetail = useDetail((state) => state.openDetail);
  const paused = useQueue((state) => state.status?.state === 'paused');
  const active = isActiveJobState(job.state);
  const elapsed = active ? job.elapsedMs + (now - view.receivedAt) : job.elapsedMs;
  const expected = job.expectedMs;
  // Running jobs never show 100%: the estimate is learned, and a slow job is not a finished one.
  // A queued job has not started, so its wait is shown as time, not as progress.
  const started = job.state === 'submitted' || job.state === 'downloading' || job.state === 'submitting';
  const fraction =
    job.state === 'completed' ? 1 : started && expected ? Math.min(0.95, elapsed / expected) : 0;
  const modelLabel = isModelId(job.model) ? models[job.model].label : job.model;
  const retryable =
    job.state === 'failed' ||
    job.state === 'canceled' ||
    job.state === 'expired' ||
    job.state === 'interrupted';

  return (
    <li className={`job job-${job.state}`}>
      <div className="job-top">
        <span className="job-model">{modelLabel}</span>
        <span className={`job-state state-${job.state}`}>{stageOf(job, paused)}</span>
      </div>
      <JobCost job={job} />
      <p className="job-prompt" title={job.prompt}>
        {job.prompt || <span className="muted">(no prompt)</span>}
      </p>
      {(active || job.state === 'completed') && (
        <>
          <div
            className="progress"
            role="progressbar"
            aria-label="Progress"
            aria-valuemin={0}
            aria-valuemax={100}
            aria-valuenow={Math.round(fraction * 100)}
          >
            <span style={{ width: `${fraction * 100}%` }} />
          </div>
          <p className="job-time muted">
            {timeLine(job.state, elapsed, expected)}
            {job.attempts > 1 ? ` · attempt ${job.attempts}` : ''}
          </p>
        </>
      )}
      {job.error && (
        <div className="job-error" role="alert">
          <strong>{job.error.message}</strong>
          <span>{job.error.action}</span>
        </div>
      )}
      <UntilRightNote jobId={job.id} />
      {note && <p className="job-note">{note}</p>}
      {job.imageIds.length > 0 && (
        <div className="job-thumbs">
          {job.imageIds.map((imageId) => (
            <button key={imageId} type="button" className="job-thumb" onClick={() => openDetail(imageId)}>
              <img
                src={mediaUrl(`/image/${imageId}/thumb`)}
                alt={`Open result: ${job.prompt}`}
                loading="lazy"
              />
            </button>
          ))}
        </div>
      )}
      <div className="job-actions">
        {active && (
          <button type="button" className="btn btn-small" onClick={() => void cancel(job.id)}>
            Cancel
          </button>
        )}
        {retryable && <RetryButton job={job} onRetry={() => void retry(job.id)} />}
        {!active && (
          <button type="button" className="btn btn-small" onClick={() => void remove(job.id)}>
            Remove
          </button>
        )}
      </div>
    </li>
  );
}

export function QueuePanel() {
  const order = useQueue((state) => state.order);
  const jobs = useQueue((state) => state.jobs);
  const loaded = useQueue((state) => state.loaded);
  const loadError = useQueue((state) => state.loadError);
  const status = useQueue((state) => state.status);
  const clearFinished = useQueue((state) => state.clearFinished);
  const anyActive = order.some((id) => {
    const view = jobs[id];
    return view ? isActiveJobState(view.job.state) : false;
  });
  const now = useNow(anyActive, 500);
  const waitingTotal = useQueue((state) => state.waitingTotal);
  const activeCount =
    order.filter((id) => jobs[id] && isActiveJobState(jobs[id].job.state)).length + waitingTotal;
  const userPaused = status?.reason === 'user';

  return (
    <section className="panel queue-panel" aria-labelledby="queue-heading">
      <div className="panel-header">
        <h2 id="queue-heading">Queue</h2>
        <span className="muted" aria-live="polite">
          {activeCount > 0 ? `${activeCount} active` : status?.state === 'paused' ? 'Paused' : 'Idle'}
        </span>
        <span className="app-header-spacer" />
        <button
          type="button"
          className="btn btn-small"
          onClick={() => void (userPaused ? useQueue.getState().resume() : useQueue.getState().pause())}
        >
          {userPaused ? 'Resume queue' : 'Pause queue'}
        </button>
        {order.some((id) => jobs[id] && !isActiveJobState(jobs[id].job.state)) && (
          <button type="button" className="btn btn-small" onClick={() => void clearFinished()}>
            Clear finished
          </button>
        )}
      </div>
      <div className="panel-body">
        {!loaded ? (
          <LoadingState>Loading the queue…</LoadingState>
        ) : loadError ? (
          <ErrorState
            title="The queue could not be loaded"
            message={loadError}
            onRetry={() => void useQueue.getState().load()}
          />
        ) : (
          <>
            <BatchCards />
            <WaitingList />
            {order.length === 0 && waitingTotal === 0 ? (
              <div className="empty-state">
                <strong>Nothing in the queue</strong>
                Write a prompt and press Generate: jobs show up here while they run.
              </div>
            ) : (
              <ul className="job-list" aria-label="Jobs">
                {order.map((id) => {
                  const view = jobs[id];
                  return view ? <JobRow key={id} view={view} now={now} /> : null;
                })}
              </ul>
            )}
          </>
        )}
      </div>
    </section>
  );
}
