import { useState } from 'react';

/**
 * A dollar amount typed freely and saved on Enter or when the field is left. Empty means "none" where
 * that is allowed; anything that is not an amount gets a message and is not saved.
 */
export function MoneyInput({
  id,
  label,
  value,
  allowEmpty,
  placeholder,
  hideLabel,
  onSave,
}: {
  id: string;
  label: string;
  /** In a table whose headers already say what the column is. */
  hideLabel?: boolean;
  value: number | null;
  allowEmpty: boolean;
  placeholder?: string;
  onSave(value: number | null): void;
}) {
  const shown = value === null ? '' : String(value);
  const [text, setText] = useState(shown);
  const [problem, setProblem] = useState<string | null>(null);
  // A value saved elsewhere (another window, a reset) replaces what is typed here.
  const [saved, setSaved] = useState(shown);
  if (saved !== shown) {
    setSaved(shown);
    setText(shown);
  }

  function save() {
    const trimmed = text.trim().replace(/^\$/, '');
    if (trimmed === '') {
      if (allowEmpty) {
        setProblem(null);
        if (value !== null) onSave(null);
      } else {
        setProblem('Enter an amount in dollars, e.g. 1.00.');
      }
      return;
    }
    const amount = Number(trimmed);
    if (!Number.isFinite(amount) || amount < 0) {
      setProblem(`"${text}" is not an amount in dollars, e.g. 5 or 0.50.`);
      return;
    }
    setProblem(null);
    if (amount !== value) onSave(amount);
  }

  return (
    <>
      <label htmlFor={id} className={hideLabel ? 'visually-hidden' : undefined}>
        {label}
      </label>
      <span>
        <input
          id={id}
          className="input"
          inputMode="decimal"
          value={text}
          placeholder={placeholder}
          aria-invalid={!!problem}
          aria-describedby={problem ? `${id}-error` : undefined}
          onChange={(event) => setText(event.target.value)}
          onBlur={save}
          onKeyDown={(event) => {
            if (event.key === 'Enter') {
              event.preventDefault();
              save();
            }
          }}
        />
        {problem && (
          <span id={`${id}-error`} className="field-error">
            {' '}
            {problem}
          </span>
        )}
      </span>
    </>
  );
}
