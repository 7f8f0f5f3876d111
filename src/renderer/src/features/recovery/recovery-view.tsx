import { useState, type ReactNode } from 'react';
import type { LibraryProblem, RecoveryStatus } from '../../../../shared/api/recovery.ts';
import { formatBytes, formatDate } from '../../lib/format.ts';
import { useRecovery } from './recovery-store.ts';

const numbers = new Intl.NumberFormat();

/** Shown instead of the studio when the library cannot be opened: what is wrong, and the ways out. */
export function RecoveryView({ status, problem }: { status: RecoveryStatus; problem: LibraryProblem }) {
  const busy = useRecovery((state) => state.busy);
  const actionError = useRecovery((state) => state.actionError);
  const { restore, startFresh, retry, quitApp } = useRecovery.getState();
  const [backupId, setBackupId] = useState(status.backups[0]?.id ?? '');
  const chosen = status.backups.find((backup) => backup.id === backupId) ?? status.backups[0];
  const can = (action: string) => problem.actions.includes(action as never);
  const working = busy !== null;

  return (
    <main className="recovery-screen">
      <section className="recovery-card" aria-labelledby="recovery-title">
        <p className="recovery-kicker">Ideogram Studio could not open your library</p>
        <h1 id="recovery-title">{problem.title}</h1>
        <p className="recovery-message">{problem.message}</p>

        {problem.readable.length > 0 && (
          <div className="recovery-readable">
            <h2>What can still be read</h2>
            <ul>
              {problem.readable.map((part) => (
                <li key={part.label}>
                  <span>{part.label}</span>
                  <span>
                    {part.rows === null ? 'cannot be read' : numbers.format(part.rows)}
                    {part.damaged && part.rows !== null && <span className="recovery-flag"> damaged</span>}
                  </span>
                </li>
              ))}
            </ul>
          </div>
        )}
        {problem.originals !== null && problem.originals > 0 && (
          <p className="recovery-safe">
            {numbers.format(problem.originals)} original image file{problem.originals === 1 ? ' is' : 's are'}{' '}
            safe in the data folder. None of the choices below deletes them.
          </p>
        )}

        <div className="recovery-choices">
          {can('restore') && chosen && (
            <Choice
              title="Restore the automatic backup"
              action={busy === 'restore' ? 'Restoring…' : 'Restore backup'}
              primary
              disabled={working}
              onClick={() => void restore(chosen.id)}
            >
              <p>The backup {describeBackup(chosen)}.</p>
              <p className="muted">
                The damaged library is kept aside, not deleted. Images made after the backup are not in it.
              </p>
              {status.backups.length > 1 && (
                <label className="recovery-backup-pick">
                  Backup
                  <select value={backupId} onChange={(event) => setBackupId(event.target.value)}>
                    {status.backups.map((backup) => (
                      <option key={backup.id} value={backup.id}>
                        {describeBackup(backup)}
                      </option>
                    ))}
                  </select>
                </label>
              )}
            </Choice>
          )}
          {can('start_fresh') && (
            <Choice
              title="Start with an empty library"
              action={busy === 'start_fresh' ? 'Starting…' : 'Start empty'}
              primary={!(can('restore') && chosen)}
              disabled={working}
              onClick={() => void startFresh()}
            >
              <p className="muted">
                The damaged library file is moved aside (kept, with the time in its name), so nothing is lost
                for good.
              </p>
            </Choice>
          )}
          {can('retry') && (
            <Choice
              title="Try again"
              action={busy === 'retry' ? 'Trying…' : 'Try again'}
              primary
              disabled={working}
              onClick={() => void retry()}
            >
              <p className="muted">Once the cause above is fixed.</p>
            </Choice>
          )}
          {can('quit') && (
            <Choice title="Quit" action="Quit" disabled={working} onClick={() => void quitApp()}>
              <p className="muted">Leave everything as it is, to look at it yourself or ask for help.</p>
            </Choice>
          )}
        </div>
        {actionError && (
          <p className="recovery-error" role="alert">
            {actionError}
          </p>
        )}

        {problem.details.length > 0 && (
          <details className="recovery-details">
            <summary>What SQLite reported</summary>
            <ul>
              {problem.details.map((detail, i) => (
                <li key={i}>{detail}</li>
              ))}
            </ul>
          </details>
        )}
        <p className="recovery-where muted">
          Data folder: <code>{status.dataDir}</code>
          {status.logFile && (
            <>
              <br />
              Log: <code>{status.logFile}</code>
            </>
          )}
        </p>
      </section>
    </main>
  );
}

function Choice(props: {
  title: string;
  action: string;
  primary?: boolean;
  disabled: boolean;
  onClick(): void;
  children: ReactNode;
}) {
  return (
    <div className="recovery-choice">
      <div>
        <strong>{props.title}</strong>
        {props.children}
      </div>
      <button
        type="button"
        className={props.primary ? 'btn btn-primary' : 'btn'}
        disabled={props.disabled}
        onClick={props.onClick}
      >
        {props.action}
      </button>
    </div>
  );
}

function describeBackup(backup: RecoveryStatus['backups'][number]): string {
  const images = backup.images === null ? '' : `, ${numbers.format(backup.images)} images`;
  return `from ${formatDate(backup.createdAt)} (${formatBytes(backup.bytes)}${images})`;
}
