import type { ReactNode } from 'react';
import type { FieldMeta } from '../../../../shared/models/index.ts';

export interface FieldProps {
  field: FieldMeta;
  value: unknown;
  error?: string;
  onChange(value: unknown): void;
}

export const inputId = (name: string) => `field-${name}`;

export function FieldError({ name, error }: { name: string; error?: string }) {
  if (!error) return null;
  return (
    <p id={`${inputId(name)}-error`} className="field-error" role="alert">
      {error}
    </p>
  );
}

export function describedBy(name: string, error?: string): string {
  return error ? `${inputId(name)}-help ${inputId(name)}-error` : `${inputId(name)}-help`;
}

export function FieldHelp({ field }: { field: FieldMeta }) {
  return (
    <p id={`${inputId(field.name)}-help`} className="field-help">
      {field.help}
    </p>
  );
}

/** Label above, help and error below: the frame every single-input field shares. */
function LabelledField({
  field,
  error,
  extra,
  children,
}: {
  field: FieldMeta;
  error?: string;
  extra?: ReactNode;
  children: ReactNode;
}) {
  return (
    <div className="field">
      <label htmlFor={inputId(field.name)} className="field-label">
        {field.label}
        {extra}
      </label>
      {children}
      <FieldHelp field={field} />
      <FieldError name={field.name} error={error} />
    </div>
  );
}

const text = (value: unknown) => (typeof value === 'string' ? value : '');

/** The plain widgets: select, segmented, switch, number, slider, text and textarea. */
export function FieldControl({ field, value, error, onChange }: FieldProps) {
  const id = inputId(field.name);
  const common = { id, 'aria-invalid': !!error, 'aria-describedby': describedBy(field.name, error) };
  switch (field.widget) {
    case 'switch':
      return (
        <div className="field field-switch">
          <label className="switch-row">
            <input
              {...common}
              type="checkbox"
              role="switch"
              checked={value === true}
              onChange={(event) => onChange(event.target.checked)}
            />
            <span className="field-label">{field.label}</span>
          </label>
          <FieldHelp field={field} />
          <FieldError name={field.name} error={error} />
        </div>
      );
    case 'segmented':
      return (
        <fieldset className="field segmented" aria-describedby={describedBy(field.name, error)}>
          <legend className="field-label">{field.label}</legend>
          <div className="segmented-options">
            {field.options?.map((option) => (
              <label key={option.value} className="segmented-option">
                <input
                  type="radio"
                  name={id}
                  value={option.value}
                  checked={value === option.value}
                  onChange={() => onChange(option.value)}
                />
                <span>{option.label}</span>
              </label>
            ))}
          </div>
          <FieldHelp field={field} />
          <FieldError name={field.name} error={error} />
        </fieldset>
      );
    case 'select':
      return (
        <LabelledField field={field} error={error}>
          <select
            {...common}
            className="select"
            value={text(value)}
            onChange={(event) => onChange(event.target.value || undefined)}
          >
            {!field.required && field.default === undefined && <option value="">Not set</option>}
            {field.options?.map((option) => (
              <option key={option.value} value={option.value}>
                {option.label}
              </option>
            ))}
          </select>
        </LabelledField>
      );
    case 'slider':
    case 'number': {
      const number = typeof value === 'number' ? value : '';
      const slider = field.widget === 'slider';
      return (
        <LabelledField
          field={field}
          error={error}
          extra={slider && <output className="slider-value">{number}</output>}
        >
          <input
            {...common}
            className={slider ? 'slider' : 'input input-number'}
            type={slider ? 'range' : 'number'}
            min={field.min}
            max={field.max}
            step={field.step}
            value={number}
            onChange={(event) => onChange(event.target.value === '' ? undefined : Number(event.target.value))}
          />
        </LabelledField>
      );
    }
    case 'textarea':
      return (
        <LabelledField field={field} error={error}>
          <textarea
            {...common}
            className="textarea"
            rows={2}
            placeholder={field.placeholder}
            value={text(value)}
            onChange={(event) => onChange(event.target.value)}
          />
        </LabelledField>
      );
    default:
      return (
        <LabelledField field={field} error={error}>
          <input
            {...common}
            className="input"
            placeholder={field.placeholder}
            value={text(value)}
            onChange={(event) => onChange(event.target.value)}
          />
        </LabelledField>
      );
  }
}
