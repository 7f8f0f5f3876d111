import { useState, type KeyboardEvent } from 'react';
import { describedBy, FieldError, FieldHelp, inputId, type FieldProps } from './field-control.tsx';

const CODE = /^[0-9A-Fa-f]{8}$/;

/** Codes as chips: each is checked as it is typed, so a bad one never reaches the request. */
export function StyleCodesField({ field, value, error, onChange }: FieldProps) {
  const codes = Array.isArray(value) ? (value as string[]) : [];
  const [text, setText] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const id = inputId(field.name);

  function add() {
    const entries = text
      .split(/[\s,]+/)
      .map((entry) => entry.trim())
      .filter(Boolean);
    if (entries.length === 0) return;
    const bad = entries.filter((entry) => !CODE.test(entry));
    if (bad.length > 0) {
      setProblem(`${bad.join(', ')}: a style code is 8 hexadecimal characters (0-9, A-F), e.g. 1A2B3C4D.`);
      return;
    }
    const next = [...codes];
    for (const entry of entries) if (!next.includes(entry.toUpperCase())) next.push(entry.toUpperCase());
    onChange(next);
    setText('');
    setProblem(null);
  }

  function onKeyDown(event: KeyboardEvent<HTMLInputElement>) {
    if (event.key === 'Enter' || event.key === ',') {
      event.preventDefault();
      add();
    } else if (event.key === 'Backspace' && text === '' && codes.length > 0) {
      onChange(codes.slice(0, -1));
    }
  }

  return (
    <div className="field">
      <label htmlFor={id} className="field-label">
        {field.label}
      </label>
      {codes.length > 0 && (
        <ul className="chip-list" aria-label="Chosen style codes">
          {codes.map((code) => (
            <li key={code} className={`chip ${CODE.test(code) ? '' : 'chip-invalid'}`}>
              <code>{code}</code>
              <button
                type="button"
                className="chip-remove"
                aria-label={`Remove style code ${code}`}
                onClick={() => onChange(codes.filter((other) => other !== code))}
              >
                ✕
              </button>
            </li>
          ))}
        </ul>
      )}
      <div className="inline-row">
        <input
          id={id}
          className="input"
          value={text}
          placeholder="1A2B3C4D"
          aria-invalid={!!(problem || error)}
          aria-describedby={describedBy(field.name, error)}
          onChange={(event) => {
            setText(event.target.value);
            setProblem(null);
          }}
          onKeyDown={onKeyDown}
          onBlur={() => text && add()}
        />
        <button type="button" className="btn" onClick={add}>
          Add
        </button>
      </div>
      {problem && (
        <p className="field-error" role="alert">
          {problem}
        </p>
      )}
      <FieldHelp field={field} />
      <FieldError name={field.name} error={error} />
    </div>
  );
}
