import type { PauseReason } from '../../../../shared/api/jobs.ts';
import { isDesktop, revealDataDir } from '../../lib/desktop.ts';
import { formatDuration } from '../../lib/format.ts';
import { useNow } from '../../lib/use-now.ts';
import { useQueue } from '../queue/queue-store.ts';
import { formatUsd } from '../../../../shared/pricing.ts';
import { useSettings } from '../settings/settings-store.ts';
import { useSpend } from '../spend/spend-store.ts';
import './banner.css';

const titles: Record<PauseReason, string> = {
  offline: 'Offline: Segmind cannot be reached',
  no_key: 'No API key',
  unauthorized: 'The API key was refused',
  forbidden: 'Segmind refused access',
  out_of_credits: 'Out of credits',
  rate_limited: 'Rate limited',
  disk_full: 'The data folder cannot be written',
  budget: 'Budget reached',
  user: 'Queue paused',
};

const hints: Record<PauseReason, string> = {
  offline: 'Jobs wait in the queue and start again by themselves when the connection returns.',
  no_key: 'Add your Segmind API key in Settings, or switch the simulator on to try the app.',
  unauthorized: 'Check or replace the key in Settings; queued jobs wait until then.',
  forbidden: 'Check your Segmind account and key in Settings; queued jobs wait until then.',
  out_of_credits: 'Top up your Segmind credits, then press Resume.',
  rate_limited: 'Segmind asked the app to slow down; the queue resumes by itself.',
  disk_full: 'Free some space on the disk of the data folder; the queue resumes by itself once it can write.',
  budget:
    'New jobs wait until the cap is raised or the day (or month) starts over; jobs already sent finish.',
  user: 'Nothing new is sent until you press Resume; jobs already sent finish and are saved.',
};

/** One banner for whatever stops the queue, and a steady notice while images are simulated. */
export function Banner() {
  const status = useQueue((state) => state.status);
  const resume = useQueue((state) => state.resume);
  const info = useSettings((state) => state.info);
  const key = useSettings((state) => state.key);
  const balance = useSpend((state) => state.balance);
  const openSettings = useSettings((state) => state.setOpen);
  const paused = status?.state === 'paused' && status.reason ? status.reason : null;
  // A refused key from the environment cannot be fixed by "check the key": say where it comes from.
  const envRefused = paused === 'unauthorized' && key?.source === 'env';
  const now = useNow(!!status?.resumeAt);
  return (
    <>
      {info?.mode === 'simulator' && (
        <div className="notice notice-sim" role="status">
          <strong>Simulated images.</strong> No Segmind key is in use, so the built-in simulator makes
          stand-in pictures and no credits are spent.
          <button type="button" className="btn btn-small" onClick={() => openSettings(true)}>
            Add API key
          </button>
        </div>
      )}
      {paused && status && (
        // The user's own pause is no interruption: it is said, not alerted.
        <div
          className={`banner banner-${paused}`}
          role={paused === 'user' ? 'status' : 'alert'}
          data-reason={paused}
        >
          <div className="banner-text">
            <strong>{envRefused ? 'The key from SEGMIND_API_KEY was refused' : titles[paused]}</strong>
            <span>
              {envRefused
                ? `Segmind refused the key ending in ${key?.last4 ?? '????'}, set in the SEGMIND_API_KEY environment variable. Save a working key in Settings: it is used instead from then on. Or change SEGMIND_API_KEY and restart the app.`
                : status.message || hints[paused]}
            </span>
            {paused === 'out_of_credits' &&
              !/balance/i.test(status.message) &&
              balance?.state === 'known' &&
              balance.usd !== null && <span>Balance: {formatUsd(balance.usd)}.</span>}
            {paused !== 'budget' && status.resumeAt && status.resumeAt > now && (
              <span className="muted">Trying again in {formatDuration(status.resumeAt - now)}.</span>
            )}
          </div>
          {(paused === 'no_key' || paused === 'unauthorized' || paused === 'forbidden') && (
            <button type="button" className="btn" onClick={() => openSettings(true)}>
              Open settings
            </button>
          )}
          {paused === 'disk_full' && isDesktop && (
            <button type="button" className="btn" onClick={() => void revealDataDir()}>
              Show data folder
            </button>
          )}
          {paused === 'budget' && (
            <button type="button" className="btn" onClick={() => openSettings(true)}>
              Raise budget
            </button>
          )}
          {paused !== 'budget' && (
            <button type="button" className="btn" onClick={() => void resume()}>
              {paused === 'offline' || paused === 'disk_full' ? 'Try now' : 'Resume'}
            </button>
          )}
        </div>
      )}
    </>
  );
}
