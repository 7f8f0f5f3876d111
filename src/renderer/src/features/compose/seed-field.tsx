import { useState } from 'react';
import { drawSeed, isRandomSeed, SEED_RANGE, type SeedRule } from '../../../../shared/models/index.ts';
import { call } from '../../bridge/api.ts';
import { messageOf } from '../../lib/errors.ts';
import { useQueue } from '../queue/queue-store.ts';
import { describedBy, FieldError, FieldHelp, inputId, type FieldProps } from './field-control.tsx';

/**
 * Random or Locked. Random is held in the form as the model's own word for it (left out, or -1); the app
 * draws the real seed when the job is made, and the job and its images keep that seed.
 */
export function SeedField({ field, value, error, onChange }: FieldProps) {
  const id = inputId(field.name);
  const rule: SeedRule = field.seed ?? { ...SEED_RANGE, random: 'omit' };
  const randomValue = rule.random === 'omit' ? undefined : rule.random;
  const newSeed = () => drawSeed(rule, Math.random);
  const random = isRandomSeed(rule, value);
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
      <legend className="field-label">{field.label}</legend>
      <div className="segmented-options">
        <label className="segmented-option">
          <input type="radio" name={`${id}-mode`} checked={random} onChange={() => onChange(randomValue)} />
          <span>Random</span>
        </label>
        <label className="segmented-option">
          <input type="radio" name={`${id}-mode`} checked={!random} onChange={() => onChange(newSeed())} />
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
          min={rule.min}
          max={rule.max}
          step={1}
          disabled={random}
          value={random ? '' : String(value)}
          placeholder={random ? 'random' : ''}
          aria-invalid={!!error}
          onChange={(event) => onChange(event.target.value === '' ? randomValue : Number(event.target.value))}
        />
        <button type="button" className="btn btn-small" onClick={() => onChange(newSeed())}>
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
