import type { FieldGroup, FieldMeta } from '../../../../shared/models/index.ts';
import { modelIds, models } from '../../../../shared/models/index.ts';
import { useBatches } from '../batch/batch-store.ts';
import { useCompose } from './compose-store.ts';
import { CostEstimate } from './cost-estimate.tsx';
import { FieldControl } from './field-control.tsx';
import { PromptEditor } from './prompt-editor.tsx';
import { ExactTextWarning } from '../text-check/exact-text-warning.tsx';
import { UntilRightCost, UntilRightOption } from '../text-check/until-right-option.tsx';
import { SpecialField, isSpecialWidget } from './special-fields.tsx';
import './compose.css';

const groupOrder: FieldGroup[] = ['Source', 'Prompt', 'Size', 'Style', 'Colour', 'Output', 'Advanced'];

function grouped(fields: FieldMeta[]): [FieldGroup, FieldMeta[]][] {
  return groupOrder
    .map((group): [FieldGroup, FieldMeta[]] => [group, fields.filter((field) => field.group === group)])
    .filter(([, list]) => list.length > 0);
}

export function ComposePanel() {
  const model = useCompose((state) => state.model);
  const draft = useCompose((state) => state.drafts[state.model]) ?? {};
  const errors = useCompose((state) => state.errors);
  const submitting = useCompose((state) => state.submitting);
  const submitError = useCompose((state) => state.submitError);
  const focusField = useCompose((state) => state.focusField);
  const { setModel, setField, generate, resetModel } = useCompose.getState();
  const spec = models[model];
  const promptField = spec.fields.find((field) => field.name === 'prompt');

  return (
    <section className="panel compose-panel" aria-labelledby="compose-heading">
      <div className="panel-header">
        <h2 id="compose-heading">Create</h2>
      </div>
      <form
        className="panel-body compose-form"
        onSubmit={(event) => {
          event.preventDefault();
          void generate();
        }}
        onKeyDown={(event) => {
          if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
            event.preventDefault();
            void generate();
          }
        }}
      >
        <fieldset className="model-picker">
          <legend className="field-label">Model</legend>
          {modelIds.map((id) => (
            // The tagline stays outside the <label> so each radio is named by the model alone.
            <div key={id} className="model-option" onClick={() => setModel(id)}>
              <input
                type="radio"
                id={`model-${id}`}
                name="model"
                value={id}
                checked={model === id}
                aria-describedby={`model-${id}-tagline`}
                onChange={() => setModel(id)}
              />
              <label htmlFor={`model-${id}`} className="model-option-name">
                {models[id].label}
              </label>
              <span id={`model-${id}-tagline`} className="model-option-tagline">
                {models[id].tagline}
              </span>
            </div>
          ))}
        </fieldset>

        {grouped(spec.fields).map(([group, fields]) => (
          <div key={group} className="field-group">
            {group !== 'Prompt' && <h3 className="field-group-title">{group}</h3>}
            {fields.map((field) => {
              if (field.name === 'prompt' && promptField) {
                return [
                  <PromptEditor
                    key="prompt"
                    value={typeof draft.prompt === 'string' ? draft.prompt : ''}
                    onChange={(value) => setField('prompt', value)}
                    onSubmit={() => void generate()}
                    error={errors.prompt}
                    placeholder={promptField.placeholder}
                    help={promptField.help}
                    focusKey={focusField?.name === 'prompt' ? focusField.n : undefined}
                  />,
                  <ExactTextWarning key="exact-text" />,
                  <UntilRightOption key="until-right" draft={draft} />,
                ];
              }
              if (field.name === 'resolution' && spec.fields.some((other) => other.name === 'aspect_ratio')) {
                return null;
              }
              const props = {
                field,
                value: draft[field.name],
                error: errors[field.name],
                onChange: (value: unknown) => setField(field.name, value),
              };
              return isSpecialWidget(field) ? (
                <SpecialField key={field.name} {...props} draft={draft} />
              ) : (
                <FieldControl key={field.name} {...props} />
              );
            })}
          </div>
        ))}

        <div className="compose-footer">
          {submitError && (
            <p className="field-error" role="alert">
              {submitError}
            </p>
          )}
          {Object.keys(errors).length > 0 && (
            <p className="field-error">Fix the highlighted fields to generate.</p>
          )}
          <div className="compose-actions">
            <CostEstimate model={model} draft={draft} />
            <UntilRightCost model={model} draft={draft} />
            <button type="button" className="btn" onClick={resetModel}>
              Reset form
            </button>
            <button type="button" className="btn" onClick={() => useBatches.getState().openMatrix(true)}>
              Matrix…
            </button>
            <button type="submit" className="btn btn-primary" disabled={submitting}>
              {submitting ? <span className="spinner" aria-hidden="true" /> : null}
              Generate
            </button>
          </div>
        </div>
      </form>
    </section>
  );
}
