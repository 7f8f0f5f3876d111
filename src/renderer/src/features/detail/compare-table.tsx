import type { ImageRecord } from '../../../../shared/api/library.ts';
import { isModelId, models } from '../../../../shared/models/index.ts';
import { formatDate } from '../../lib/format.ts';
import { describeValue } from './params-table.tsx';

interface Line {
  label: string;
  values: string[];
}

/** The recipe of each image as rows of one table, so a setting that differs reads across a row. */
function linesOf(records: ImageRecord[]): Line[] {
  const line = (label: string, of: (r: ImageRecord) => string): Line => ({ label, values: records.map(of) });
  const names = [...new Set(records.flatMap((r) => Object.keys(r.params)))].filter(
    (name) => name !== 'prompt',
  );
  return [
    line('Prompt', (r) => r.prompt),
    line('Model', (r) => (isModelId(r.model) ? models[r.model].label : r.model)),
    line('Size', (r) => `${r.width} × ${r.height} ${r.format.toUpperCase()}`),
    line('Seed', (r) => String(r.seed ?? 'unknown')),
    line('Negative', (r) => r.negativePrompt ?? ''),
    line('Expanded', (r) => (r.expandedPrompt && r.expandedPrompt !== r.prompt ? r.expandedPrompt : '')),
    ...names.map((name) =>
      line(name.replaceAll('_', ' '), (r) => (name in r.params ? describeValue(r.params[name]) : '—')),
    ),
    line('Rating', (r) => (r.rating ? '★'.repeat(r.rating) : 'none')),
    line('Created', (r) => formatDate(r.createdAt)),
  ];
}

/** Rows whose values differ are marked (and say so to a screen reader); the rest are quiet. */
export function CompareTable({ records }: { records: ImageRecord[] }) {
  const lines = linesOf(records).filter((l) => l.values.some((v) => v !== ''));
  const differing = lines.filter((l) => new Set(l.values).size > 1).length;
  return (
    <>
      <p className="muted">
        {differing === 0
          ? 'The recipes are the same.'
          : `${differing} setting${differing === 1 ? '' : 's'} differ, marked.`}
      </p>
      <table className="compare-table">
        <thead>
          <tr>
            <th scope="col">
              <span className="visually-hidden">Setting</span>
            </th>
            {records.map((r, i) => (
              <th key={r.id} scope="col">
                Image {String.fromCharCode(65 + i)}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {lines.map((l) => {
            const differs = new Set(l.values).size > 1;
            return (
              <tr key={l.label} className={differs ? 'compare-differs' : undefined}>
                <th scope="row">
                  {l.label}
                  {differs && <span className="visually-hidden"> (differs)</span>}
                </th>
                {l.values.map((value, i) => (
                  <td key={i}>{value}</td>
                ))}
              </tr>
            );
          })}
        </tbody>
      </table>
    </>
  );
}
