import { colorWeightRange, palettePresets } from '../../../../shared/models/index.ts';
import { describedBy, FieldError, FieldHelp, inputId, type FieldProps } from './field-control.tsx';

interface Member {
  color_hex: string;
  color_weight?: number;
}

interface Palette {
  name?: string;
  members?: Member[];
}

/** Only for drawing swatches: an impression of each Ideogram preset, not its exact colours. */
const presetSwatches: Record<(typeof palettePresets)[number], string[]> = {
  EMBER: ['#5c1a0b', '#b33a12', '#f07a24', '#ffc15e'],
  FRESH: ['#e9f5db', '#a7d676', '#4fb286', '#1d6a96'],
  JUNGLE: ['#0b3d20', '#1e6b35', '#6a994e', '#c9d86b'],
  MAGIC: ['#2d1b69', '#7b2cbf', '#e056fd', '#ffd6ff'],
  MELON: ['#ff6b6b', '#ffa69e', '#faf3dd', '#b8f2a6'],
  MOSAIC: ['#264653', '#2a9d8f', '#e9c46a', '#e76f51'],
  PASTEL: ['#ffd6e0', '#c1e7e3', '#fff1c1', '#d4c1ec'],
  ULTRAMARINE: ['#0b1f5c', '#1f3fbf', '#4f7cff', '#b8c8ff'],
};

const titleCase = (value: string) => value.charAt(0) + value.slice(1).toLowerCase();

export function PaletteField({ field, value, error, onChange }: FieldProps) {
  const palette = (value && typeof value === 'object' ? value : {}) as Palette;
  const mode = palette.members ? 'custom' : palette.name ? 'preset' : 'none';
  const members = palette.members ?? [];
  const id = inputId(field.name);

  function setMembers(next: Member[]) {
    onChange(next.length ? { members: next } : undefined);
  }

  return (
    <fieldset className="field palette-field" aria-describedby={describedBy(field.name, error)}>
      <legend className="field-label">{field.label}</legend>
      <div className="segmented-options">
        {(['none', 'preset', 'custom'] as const).map((option) => (
          <label key={option} className="segmented-option">
            <input
              type="radio"
              name={`${id}-mode`}
              checked={mode === option}
              onChange={() =>
                onChange(
                  option === 'none'
                    ? undefined
                    : option === 'preset'
                      ? { name: 'EMBER' }
                      : { members: [{ color_hex: '#3B5BDB', color_weight: 1 }] },
                )
              }
            />
            <span>{option === 'none' ? 'None' : option === 'preset' ? 'Preset' : 'Custom'}</span>
          </label>
        ))}
      </div>
      {mode === 'preset' && (
        <div className="swatch-grid" role="radiogroup" aria-label="Preset palette">
          {palettePresets.map((name) => (
            <label key={name} className={`swatch ${palette.name === name ? 'swatch-selected' : ''}`}>
              <input
                type="radio"
                className="visually-hidden"
                name={`${id}-preset`}
                checked={palette.name === name}
                onChange={() => onChange({ name })}
              />
              <span className="swatch-colours" aria-hidden="true">
                {presetSwatches[name].map((colour) => (
                  <span key={colour} style={{ background: colour }} />
                ))}
              </span>
              <span className="swatch-name">{titleCase(name)}</span>
            </label>
          ))}
        </div>
      )}
      {mode === 'custom' && (
        <div className="palette-members">
          {members.map((member, index) => (
            <div key={index} className="palette-member">
              <input
                type="color"
                aria-label={`Colour ${index + 1}`}
                value={/^#[0-9A-Fa-f]{6}$/.test(member.color_hex) ? member.color_hex : '#000000'}
                onChange={(event) =>
                  setMembers(
                    members.map((m, i) =>
                      i === index ? { ...m, color_hex: event.target.value.toUpperCase() } : m,
                    ),
                  )
                }
              />
              <input
                className="input palette-hex"
                aria-label={`Colour ${index + 1} hex`}
                value={member.color_hex}
                onChange={(event) =>
                  setMembers(
                    members.map((m, i) => (i === index ? { ...m, color_hex: event.target.value } : m)),
                  )
                }
              />
              <label className="palette-weight">
                <span className="visually-hidden">Colour {index + 1} weight</span>
                <input
                  type="range"
                  min={colorWeightRange.min}
                  max={colorWeightRange.max}
                  step={colorWeightRange.step}
                  value={member.color_weight ?? 1}
                  onChange={(event) =>
                    setMembers(
                      members.map((m, i) =>
                        i === index ? { ...m, color_weight: Number(event.target.value) } : m,
                      ),
                    )
                  }
                />
                <output>{(member.color_weight ?? 1).toFixed(2)}</output>
              </label>
              <button
                type="button"
                className="btn btn-small"
                aria-label={`Remove colour ${index + 1}`}
                onClick={() => setMembers(members.filter((_, i) => i !== index))}
              >
                ✕
              </button>
            </div>
          ))}
          <button
            type="button"
            className="btn btn-small"
            disabled={members.length >= 16}
            onClick={() => setMembers([...members, { color_hex: '#FFFFFF', color_weight: 0.5 }])}
          >
            Add colour
          </button>
        </div>
      )}
      <FieldHelp field={field} />
      <FieldError name={field.name} error={error} />
    </fieldset>
  );
}
