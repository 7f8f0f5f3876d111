import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { useSettings } from '../settings/settings-store.ts';
import { quotedRuns } from '../../../../shared/quoted-text.ts';

interface PromptEditorProps {
  value: string;
  onChange(value: string): void;
  onSubmit(): void;
  error?: string;
  placeholder?: string;
  help: string;
  focusKey?: number;
}

const noHistory: string[] = [];

/**
 * A textarea over a mirror of its own text: the mirror paints the highlights, the textarea stays a
 * plain, accessible input (screen readers, spellcheck, undo all work as usual).
 */
export function PromptEditor({
  value,
  onChange,
  onSubmit,
  error,
  placeholder,
  help,
  focusKey,
}: PromptEditorProps) {
  const textarea = useRef<HTMLTextAreaElement>(null);
  const mirror = useRef<HTMLDivElement>(null);
  const history = useSettings((state) => state.settings?.promptHistory) ?? noHistory;
  const [historyOpen, setHistoryOpen] = useState(false);
  const quoted = quotedRuns(value).filter((run) => run.quoted);

  useEffect(() => {
    if (focusKey) textarea.current?.focus();
  }, [focusKey]);

  function onKeyDown(event: KeyboardEvent<HTMLTextAreaElement>) {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      onSubmit();
    }
  }

  return (
    <div className="prompt-editor">
      <div className="field-label-row">
        <label htmlFor="prompt-input" className="field-label">
          Prompt
        </label>
        <button
          type="button"
          className="btn btn-small"
          aria-expanded={historyOpen}
          aria-controls="prompt-history"
          disabled={history.length === 0}
          onClick={() => setHistoryOpen(!historyOpen)}
        >
          History ({history.length})
        </button>
      </div>
      <div className="prompt-box">
        <div className="prompt-mirror" ref={mirror} aria-hidden="true">
          {quotedRuns(value).map((run, index) =>
            run.quoted ? <mark key={index}>{run.text}</mark> : <span key={index}>{run.text}</span>,
          )}
          {'\n'}
        </div>
        <textarea
          id="prompt-input"
          ref={textarea}
          className="textarea prompt-textarea"
          value={value}
          rows={5}
          placeholder={placeholder}
          aria-invalid={!!error}
          aria-describedby="prompt-help prompt-error"
          onChange={(event) => onChange(event.target.value)}
          onKeyDown={onKeyDown}
          onScroll={(event) => {
            if (mirror.current) mirror.current.scrollTop = event.currentTarget.scrollTop;
          }}
        />
      </div>
      <p id="prompt-help" className="field-help">
        {quoted.length > 0
          ? `Will be spelled in the image: ${quoted.map((run) => run.text).join(', ')}`
          : help}{' '}
        <kbd>Ctrl</kbd>+<kbd>Enter</kbd> generates.
      </p>
      {error && (
        <p id="prompt-error" className="field-error" role="alert">
          {error}
        </p>
      )}
      {historyOpen && (
        <ul id="prompt-history" className="prompt-history" aria-label="Recent">
          {history.slice(0, 30).map((entry) => (
            <li key={entry}>
              <button
                type="button"
                className="prompt-history-item"
                onClick={() => {
                  onChange(entry);
                  setHistoryOpen(false);
                  textarea.current?.focus();
                }}
              >
                {entry}
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
