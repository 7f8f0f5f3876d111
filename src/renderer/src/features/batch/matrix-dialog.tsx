import { useMemo, useState } from 'react';
import {
  expandMatrix,
  matrixCost,
  matrixLimits,
  promptChoices,
  type AxisValue,
  type MatrixAxis,
} from '../../../../shared/batches/matrix.ts';
import { drawSeed, models, type FieldMeta, type ModelParams } from '../../../../shared/models/index.ts';
import { describeCost } from '../../../../shared/pricing.ts';
import { call } from '../../bridge/api.ts';
import { Modal } from '../../app/modal.tsx';
import { useCompose } from '../compose/compose-store.ts';
import { cleanDraft } from '../compose/draft.ts';
import { useSpend } from '../spend/spend-store.ts';
import { useBatches } from './batch-store.ts';
import { BatchNameField } from './batch-name-field.tsx';
import { useBatchStart } from './use-batch-start.ts';
import './batch.css';

/** Widgets whose values a person can list for an axis; palettes, codes and images stay the form's. */
const listable = new Set(['select', 'segmented', 'switch', 'number', 'slider', 'seed', 'text', 'textarea']);

function parseList(field: FieldMeta, text: string): AxisValue[] {
  const parts =
    field.widget === 'text' || field.widget === 'textarea' ? text.split('\n') : text.split(/[\s,;]+/);
  return parts
    .map((part) => part.trim())
    .filter(Boolean)
    .map((part) =>
      ['number', 'slider', 'seed'].includes(field.widget) && Number.isFinite(Number(part))
        ? Number(part)
        : part,
    );
}

function AxisEditor({
  index,
  axis,
  fields,
  taken,
  onChange,
  onRemove,
}: {
  index: number;
  axis: MatrixAxis;
  fields: FieldMeta[];
  taken: Set<string>;
  onChange(axis: MatrixAxis): void;
  onRemove(): void;
}) {
  const field = fields.find((f) => f.name === axis.param);
  const [text, setText] = useState(
    axis.values.join(field?.widget === 'textarea' || field?.widget === 'text' ? '\n' : ', '),
  );
  const [seeds, setSeeds] = useState(4);
  const label = `Parameter ${index + 1}`;
  return (
    <fieldset className="matrix-axis">
      <legend>{label}</legend>
      <div className="inline-row">
        <label>
          <span className="visually-hidden">{label}</span>
          <select
            className="select"
            value={axis.param}
            onChange={(event) => {
              setText('');
              onChange({ param: event.target.value, values: [] });
            }}
          >
            {fields
              .filter((f) => f.name === axis.param || !taken.has(f.name))
              .map((f) => (
                <option key={f.name} value={f.name}>
                  {f.label}
                </option>
              ))}
          </select>
        </label>
        <button type="button" className="btn btn-small" onClick={onRemove}>
          Remove
        </button>
      </div>
      {field?.options ? (
        <div className="matrix-options" role="group" aria-label={`${field.label} values`}>
          {field.options.map((option) => (
            <label key={option.value} className="switch-row">
              <input
                type="checkbox"
                checked={axis.values.includes(option.value)}
                onChange={(event) =>
                  onChange({
                    ...axis,
                    values: event.target.checked
                      ? field
                          .options!.map((o) => o.value)
                          .filter((v) => v === option.value || axis.values.includes(v))
                      : axis.values.filter((v) => v !== option.value),
                  })
                }
              />
              {option.label}
            </label>
          ))}
        </div>
      ) : field?.widget === 'switch' ? (
        <p className="muted">Both: on and off.</p>
      ) : (
        <>
          {field?.seed && (
            <div className="inline-row">
              <label>
                Seeds{' '}
                <input
                  className="input input-number"
                  type="number"
                  min={1}
                  max={matrixLimits.maxValues}
                  value={seeds}
                  onChange={(event) => setSeeds(Number(event.target.value))}
                />
              </label>
              <button
                type="button"
                className="btn btn-small"
                onClick={() => {
                  const drawn = new Set<number>();
                  while (drawn.size < Math.min(matrixLimits.maxValues, Math.max(1, seeds)))
                    drawn.add(drawSeed(field.seed!, Math.random));
                  const values = [...drawn];
                  setText(values.join(', '));
                  onChange({ ...axis, values });
                }}
              >
                Draw seeds
              </button>
            </div>
          )}
          <label>
            <span className="visually-hidden">{field?.label ?? axis.param} values</span>
            <textarea
              className="input"
              rows={field?.widget === 'textarea' || field?.widget === 'text' ? 3 : 1}
              placeholder={
                field?.widget === 'textarea' || field?.widget === 'text'
                  ? 'One value per line'
                  : 'Values, separated by commas'
              }
              value={text}
              onChange={(event) => {
                setText(event.target.value);
                if (field) onChange({ ...axis, values: parseList(field, event.target.value) });
              }}
            />
          </label>
        </>
      )}
    </fieldset>
  );
}

/** Matrix from the form: one to three parameters and their values, counted and priced before it starts. */
export function MatrixDialog() {
  const open = useBatches((state) => state.matrixOpen);
  const openMatrix = useBatches((state) => state.openMatrix);
  const model = useCompose((state) => state.model);
  const draft = useCompose((state) => state.drafts[state.model]);
  const prices = useSpend((state) => state.totals?.prices);
  const spec = models[model];
  const fields = spec.fields.filter((field) => listable.has(field.widget) && field.name !== 'resolution');
  const [axes, setAxes] = useState<MatrixAxis[]>([]);
  const [name, setName] = useState('');
  const { busy, error, start: startBatch } = useBatchStart();

  // The form's values as the contract will parse them, then the same expansion main makes.
  const base = useMemo(() => spec.schema.safeParse(cleanDraft(model, draft ?? {})), [spec, model, draft]);
  const prompt = base.success && typeof base.data.prompt === 'string' ? base.data.prompt : '';
  const shownAxes = axes.map((axis) => {
    const field = fields.find((f) => f.name === axis.param);
    return field?.widget === 'switch' ? { ...axis, values: [true, false] } : axis;
  });
  const matrix = base.success ? expandMatrix(model, base.data as ModelParams, shownAxes) : null;
  const cost = matrix ? matrixCost(model, matrix, prices) : null;
  const taken = new Set(axes.map((axis) => axis.param));
  const choices = promptChoices(prompt);
  const ready =
    matrix !== null && matrix.issues.length === 0 && matrix.cells.length > 0 && name.trim() !== '';

  async function start() {
    if (!matrix || !cost || !base.success) return;
    await startBatch(`Matrix "${name}"`, cost, async () => {
      await call('batches:startMatrix', {
        model,
        params: cleanDraft(model, draft ?? {}),
        axes: shownAxes,
        name: name.trim(),
      });
      openMatrix(false);
      setAxes([]);
    });
  }

  return (
    <Modal title="Matrix" open={open} onClose={() => openMatrix(false)} className="batch-modal">
      <div className="matrix">
        <p className="muted">
          Every combination of the values below, with the rest of the form as it is ({spec.label}). Choices
          written in the prompt like <code>{'{red|blue|gold}'}</code> count as a parameter.
        </p>
        {!base.success && (
          <p className="field-error">
            Fix the form first:{' '}
            {base.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}
          </p>
        )}
        {choices.length > 0 && <p>Prompt choices: {choices.map((group) => group.join(' / ')).join('; ')}</p>}
        {axes.map((axis, i) => (
          <AxisEditor
            key={`${i}:${axis.param}`}
            index={i}
            axis={axis}
            fields={fields}
            taken={taken}
            onChange={(next) => setAxes(axes.map((a, j) => (j === i ? next : a)))}
            onRemove={() => setAxes(axes.filter((_, j) => j !== i))}
          />
        ))}
        {axes.length + choices.length < matrixLimits.maxAxes && (
          <button
            type="button"
            className="btn btn-small"
            onClick={() => {
              const free = fields.find((f) => !taken.has(f.name) && f.name !== 'prompt');
              if (free) setAxes([...axes, { param: free.name, values: [] }]);
            }}
          >
            Add a parameter
          </button>
        )}
        {matrix && matrix.issues.length > 0 && (
          <ul className="batch-errors">
            {matrix.issues.slice(0, 10).map((issue) => (
              <li key={issue.message} className="batch-error">
                {issue.where === 'matrix' ? issue.message : `${issue.where}: ${issue.message}`}
              </li>
            ))}
          </ul>
        )}
        <BatchNameField value={name} onChange={setName} />
        {error && (
          <p className="field-error" role="alert">
            {error}
          </p>
        )}
        <button
          type="button"
          className="btn btn-primary"
          disabled={!ready || busy}
          onClick={() => void start()}
        >
          {cost && matrix && matrix.cells.length > 0
            ? `Start ${cost.jobs} jobs · ${describeCost(cost.images, cost.usd)}`
            : 'Start'}
        </button>
      </div>
    </Modal>
  );
}
