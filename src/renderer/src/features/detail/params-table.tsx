import type { ImageRecord } from '../../../../shared/api/library.ts';
import { isLocalImageRef, isModelId, models } from '../../../../shared/models/index.ts';
import { formatBytes, formatDate } from '../../lib/format.ts';

/** A recipe value as a person reads it: presets by name, lists joined, inline images not dumped. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') {
    if (value.startsWith('data:')) return '(inline image)';
    return isLocalImageRef(value) ? '(image stored in the library)' : value;
  }
  if (Array.isArray(value)) return value.length ? value.map(describeValue).join(', ') : 'none';
  if (value && typeof value === 'object') {
    const palette = value as { name?: string; members?: { color_hex: string; color_weight?: number }[] };
    if (palette.name) return `${palette.name.charAt(0)}${palette.name.slice(1).toLowerCase()} preset`;
    if (palette.members) {
      return palette.members
        .map((m) => `${m.color_hex}${m.color_weight ? ` × ${m.color_weight}` : ''}`)
        .join(', ');
    }
    return JSON.stringify(value);
  }
  return String(value);
}

export function ParamsTable({ record }: { record: ImageRecord }) {
  const entries = Object.entries(record.params).filter(([name]) => name !== 'prompt');
  return (
    <dl className="params">
      <dt>Model</dt>
      <dd>{isModelId(record.model) ? models[record.model].label : record.model}</dd>
      <dt>Size</dt>
      <dd>
        {record.width} × {record.height} · {record.format.toUpperCase()} · {formatBytes(record.bytes)}
      </dd>
      <dt>Seed</dt>
      <dd>{record.seed ?? 'unknown'}</dd>
      <dt>Created</dt>
      <dd>{formatDate(record.createdAt)}</dd>
      {record.expandedPrompt && record.expandedPrompt !== record.prompt && (
        <>
          <dt>Expanded</dt>
          <dd>{record.expandedPrompt}</dd>
        </>
      )}
      {entries.map(([name, value]) => (
        <div key={name} className="params-row">
          <dt>{name.replaceAll('_', ' ')}</dt>
          <dd>{describeValue(value)}</dd>
        </div>
      ))}
    </dl>
  );
}
