import { useEffect, useState } from 'react';
import type { ImageRecord } from '../../../../shared/api/library.ts';
import type { TextCheck } from '../../../../shared/api/text-check.ts';
import { quotedPhrases } from '../../../../shared/quoted-text.ts';
import { call, on } from '../../bridge/api.ts';
import { messageOf } from '../../lib/errors.ts';
import { verdictWords } from './verdict-words.ts';
import './text-check.css';

const summaries: Record<NonNullable<TextCheck['status']>, string> = {
  pending: 'Reading the image…',
  ok: 'Every quoted phrase is spelled right.',
  attention: 'The text needs attention.',
  failed: 'The image could not be read.',
};

/** The detail view's "Text check": each quoted phrase of the prompt and what the image shows. */
export function TextCheckSection({ record }: { record: ImageRecord }) {
  // Kept with the id it belongs to, so another image's answer is never shown while this one loads.
  const [state, setState] = useState<{ id: string; check: TextCheck | null; error: string | null }>({
    id: record.id,
    check: null,
    error: null,
  });
  const check = state.id === record.id ? state.check : null;
  const error = state.id === record.id ? state.error : null;
  const setError = (message: string) => setState((prev) => ({ ...prev, id: record.id, error: message }));
  const phrases = quotedPhrases(record.prompt);
  const due = phrases.length > 0;

  useEffect(() => {
    if (!due) return;
    let live = true;
    const id = record.id;
    call('textCheck:get', { id }).then(
      (value) => live && setState({ id, check: value, error: null }),
      (failure: unknown) => live && setState({ id, check: null, error: messageOf(failure) }),
    );
    const stop = on('textCheck:changed', (value) => {
      if (value.imageId === id) setState({ id, check: value, error: null });
    });
    return () => {
      live = false;
      stop();
    };
  }, [record.id, due]);

  if (!due) return null;
  const status = check?.status ?? record.textStatus ?? 'pending';
  const rerun = () =>
    void call('textCheck:run', { ids: [record.id] }).catch((failure: unknown) =>
      setError(messageOf(failure)),
    );

  return (
    <section className="text-check" aria-labelledby="text-check-title">
      <div className="text-check-head">
        <h3 id="text-check-title" className="field-label">
          Text check
        </h3>
        <button type="button" className="btn btn-small" disabled={status === 'pending'} onClick={rerun}>
          Check again
        </button>
      </div>
      <p className={`text-check-summary text-check-${status}`}>{summaries[status]}</p>
      <ul className="text-check-list">
        {status === 'pending' || !check
          ? phrases.map((phrase, i) => (
              <li key={i}>
                <q>{phrase}</q> <span className="muted">checking…</span>
              </li>
            ))
          : check.phrases.map((verdict, i) => (
              <li key={i} className={`verdict verdict-${verdict.verdict}`}>
                <span aria-hidden="true" className="verdict-icon">
                  {verdict.verdict === 'right' ? '✓' : '!'}
                </span>
                <q>{verdict.phrase}</q> <span>{verdictWords(verdict)}</span>
              </li>
            ))}
      </ul>
      {check?.error && <p className="field-error">{check.error}</p>}
      {check && check.readText && (
        <details className="text-check-read">
          <summary>Text read in the image</summary>
          <pre>{check.readText}</pre>
        </details>
      )}
      {error && <p className="field-error">{error}</p>}
    </section>
  );
}
