import { aspectRatios } from '../../../../shared/models/index.ts';
import { ratioValue, resolutionGroups } from './size-options.ts';
import { useCompose } from './compose-store.ts';
import type { Draft } from './draft.ts';
import { FieldError, type FieldProps } from './field-control.tsx';

function Shape({ ratio, size = 28 }: { ratio: string; size?: number }) {
  const value = ratioValue(ratio);
  const width = value >= 1 ? size : Math.round(size * value);
  const height = value >= 1 ? Math.round(size / value) : size;
  return (
    <span className="shape-box" aria-hidden="true" style={{ width: size, height: size }}>
      <span className="shape" style={{ width, height }} />
    </span>
  );
}

/** Aspect ratio and resolution are one choice with two vocabularies: the API takes one or the other. */
export function SizeField({ error, draft }: FieldProps & { draft: Draft }) {
  const setFields = useCompose((state) => state.setFields);
  const resolutionError = useCompose((state) => state.errors.resolution);
  const byRatio = typeof draft.aspect_ratio === 'string';
  const current = byRatio
    ? String(draft.aspect_ratio)
    : typeof draft.resolution === 'string'
      ? draft.resolution
      : '';

  return (
    <fieldset className="field size-field">
      <legend className="field-label">Size</legend>
      <div className="segmented-options">
        <label className="segmented-option">
          <input
            type="radio"
            name="size-mode"
            checked={byRatio}
            onChange={() => setFields({ aspect_ratio: '1x1', resolution: undefined })}
          />
          <span>Aspect ratio</span>
        </label>
        <label className="segmented-option">
          <input
            type="radio"
            name="size-mode"
            checked={!byRatio}
            onChange={() => setFields({ aspect_ratio: undefined, resolution: '1024x1024' })}
          />
          <span>Resolution</span>
        </label>
      </div>
      {byRatio ? (
        <div className="shape-grid" role="radiogroup" aria-label="Aspect ratio">
          {aspectRatios.map((ratio) => (
            <label key={ratio} className={`shape-option ${current === ratio ? 'shape-selected' : ''}`}>
              <input
                type="radio"
                className="visually-hidden"
                name="aspect-ratio"
                checked={current === ratio}
                onChange={() => setFields({ aspect_ratio: ratio, resolution: undefined })}
              />
              <Shape ratio={ratio} />
              <span>{ratio.replace('x', ':')}</span>
            </label>
          ))}
        </div>
      ) : (
        <div className="resolution-groups" role="radiogroup" aria-label="Resolution">
          {resolutionGroups.map((group) => (
            <div key={group.ratio} className="resolution-group">
              <div className="resolution-group-title">
                <Shape ratio={group.ratio} size={18} /> about {group.ratio.replace('x', ':')}
              </div>
              <div className="resolution-options">
                {group.items.map((resolution) => (
                  <label
                    key={resolution}
                    className={`resolution-option ${current === resolution ? 'shape-selected' : ''}`}
                  >
                    <input
                      type="radio"
                      className="visually-hidden"
                      name="resolution"
                      checked={current === resolution}
                      onChange={() => setFields({ resolution, aspect_ratio: undefined })}
                    />
                    <Shape ratio={resolution} size={20} />
                    <span>{resolution.replace('x', ' × ')}</span>
                  </label>
                ))}
              </div>
            </div>
          ))}
        </div>
      )}
      <p className="field-help">
        {byRatio
          ? 'Ideogram renders the shape at about one megapixel.'
          : 'Exact pixels; Ideogram takes either a resolution or an aspect ratio.'}
      </p>
      <FieldError name="aspect_ratio" error={error} />
      <FieldError name="resolution" error={resolutionError} />
    </fieldset>
  );
}
