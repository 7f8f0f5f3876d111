import { useState } from 'react';
import { call } from '../../bridge/api.ts';
import { messageOf } from '../../lib/errors.ts';
import { useQueue } from '../queue/queue-store.ts';
import { describedBy, FieldError, FieldHelp, inputId, labelOf, type FieldProps } from './field-control.tsx';

/** Models differ in how "random" is said: v3 leaves the seed out, 4.0 sends -1. */
function randomValue(field: FieldProps['field']): number | undefined {
  return field.min !== undefined && field.min < 0 ? -1 : undefined;
}

function randomSeed(): number {
  return 100 + Math.floor(Math.random() * (999_999 - 100));
}

export function SeedField({ field, value, error, onChange }: FieldProps) {
  const id = inputId(field.name);
  const random = value === undefined || value === -1;
  const [note, setNote] = useState<string | null>(null);

  async function reuseLast() {
    setNote(null);
    const jobs = useQueue.getState();
    const last = jobs.order.map((jobId) => jobs.jobs[jobId]?.job).find((job) => job?.state === 'completed');
    const imageId = last?.imageIds[0];
    if (!imageId) {
      setNote('No finished image yet to take a seed from.');
      return;
    }
    try {
      const image = await call('library:get', { id: imageId });
      if (image.seed === null) setNote('That image has no recorded seed.');
      else onChange(image.seed);
    } catch (err) {
      setNote(messageOf(err));
    }
  }

  return (
    <fieldset className="field seed-field" aria-describedby={describedBy(field.name, error)}>
      <legend className="field-label">{labelOf(field)}</legend>
      <div className="segmented-options">
        <label className="segmented-option">
          <input
            type="radio"
            name={`${id}-mode`}
            checked={random}
            onChange={() => onChange(randomValue(field))}
          />
          <span>Random</span>
        </label>
        <label className="segmented-option">
          <input
            type="radio"
            name={`${id}-mode`}
            checked={!random}
            onChange={() =>
              onChange(typeof field.default === 'number' && field.default > 0 ? field.default : randomSeed())
            }
          />
          <span>Locked</span>
        </label>
      </div>
      <div className="seed-row">
        <label htmlFor={id} className="visually-hidden">
          Seed value
        </label>
        <input
          id={id}
          className="input input-number"
          type="number"
          min={100}
          max={999_999}
          step={1}
          disabled={random}
          value={random ? '' : String(value)}
          placeholder={random ? 'random' : ''}
          aria-invalid={!!error}
          onChange={(event) =>
            onChange(event.target.value === '' ? randomValue(field) : Number(event.target.value))
          }
        />
        <button type="button" className="btn btn-small" onClick={() => onChange(randomSeed())}>
          New seed
        </button>
        <button type="button" className="btn btn-small" onClick={() => void reuseLast()}>
          Reuse last
        </button>
      </div>
      {note && <p className="field-help">{note}</p>}
      <FieldHelp field={field} />
      <FieldError name={field.name} error={error} />
    </fieldset>
  );
}
