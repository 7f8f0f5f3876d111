import { useState } from 'react';
import type { BatchCell } from '../../../../shared/api/batches.ts';
import type { AxisValue } from '../../../../shared/batches/matrix.ts';
import { mediaUrl } from '../../bridge/api.ts';
import { Modal } from '../../app/modal.tsx';
import { useDetail } from '../detail/detail-store.ts';
import { useBatches } from './batch-store.ts';

const show = (value: AxisValue | undefined) =>
  value === undefined || value === '' ? '(default)' : String(value);

/** Headings in the axis's own order where it lists its values, else in the order the cells bring them. */
function columnValues(cells: BatchCell[], axis: number, listed: AxisValue[]): AxisValue[] {
  const seen = new Map<string, AxisValue>(listed.map((value) => [String(value), value]));
  for (const cell of cells) {
    const value = cell.values[axis];
    if (value !== undefined && !seen.has(String(value))) seen.set(String(value), value);
  }
  return [...seen.values()];
}

function Cell({
  cell,
  selected,
  onToggle,
}: {
  cell: BatchCell | undefined;
  selected: string[];
  onToggle(imageId: string): void;
}) {
  if (!cell) return <td className="grid-cell-empty" />;
  const imageId = cell.imageIds[0];
  return (
    <td className="grid-cell">
      {imageId ? (
        <button
          type="button"
          className={`grid-cell-image ${selected.includes(imageId) ? 'grid-cell-selected' : ''}`}
          aria-pressed={selected.includes(imageId)}
          onClick={() => onToggle(imageId)}
        >
          <img
            src={mediaUrl(`/image/${imageId}/thumb`)}
            alt={`Result ${cell.item}${cell.seed !== null ? `, seed ${cell.seed}` : ''}`}
          />
        </button>
      ) : (
        <span className={`grid-cell-state state-${cell.state}`}>{cell.state}</span>
      )}
    </td>
  );
}

/**
 * A batch's results laid out by what it varies: one axis across (its values as column headings), the
 * others down the side. Pick any two images to open them in compare.
 */
export function BatchGridDialog() {
  const gridId = useBatches((state) => state.gridId);
  const batch = useBatches((state) => (state.gridId ? state.batches[state.gridId] : undefined));
  const cells = useBatches((state) => state.gridCells);
  const total = useBatches((state) => state.gridTotal);
  const openGrid = useBatches((state) => state.openGrid);
  const openCompare = useDetail((state) => state.openCompare);
  const [across, setAcross] = useState<number | null>(null);
  const [selected, setSelected] = useState<string[]>([]);
  const axes = batch?.axes ?? [];
  // One axis runs down the side (a column of results); with more, the second runs across.
  const column = across ?? (axes.length > 1 ? 1 : -1);
  const columns = column >= 0 ? columnValues(cells, column, axes[column]?.values ?? []) : [''];
  const rowAxes = axes.map((_, i) => i).filter((i) => i !== column);
  const rows = new Map<string, { heading: string; byColumn: Map<string, BatchCell> }>();
  for (const cell of cells) {
    let key = rowAxes.length > 0 ? JSON.stringify(rowAxes.map((i) => cell.values[i])) : String(cell.item);
    const heading =
      rowAxes.length > 0 ? rowAxes.map((i) => show(cell.values[i])).join(' · ') : `#${cell.item}`;
    const at = column >= 0 ? String(cell.values[column]) : '';
    // Two rows of a file alike in every varied value each keep a row of their own.
    if (rows.get(key)?.byColumn.has(at)) key = `${key}#${cell.item}`;
    const row = rows.get(key) ?? { heading, byColumn: new Map() };
    row.byColumn.set(at, cell);
    rows.set(key, row);
  }
  const toggle = (id: string) =>
    setSelected((list) =>
      list.includes(id) ? list.filter((other) => other !== id) : [...list, id].slice(-2),
    );

  return (
    <Modal
      title={batch ? `Grid: ${batch.name}` : 'Grid'}
      open={gridId !== null}
      onClose={() => {
        setSelected([]);
        setAcross(null);
        void openGrid(null);
      }}
      className="batch-modal batch-grid-modal"
      actions={
        <button
          type="button"
          className="btn btn-small"
          disabled={selected.length !== 2}
          onClick={() => void openCompare(selected)}
        >
          Compare {selected.length}/2
        </button>
      }
    >
      {axes.length > 0 && (
        <label className="inline-row">
          Across{' '}
          <select
            className="select"
            value={column}
            onChange={(event) => setAcross(Number(event.target.value))}
          >
            <option value={-1}>(nothing: one column)</option>
            {axes.map((axis, i) => (
              <option key={axis.key} value={i}>
                {axis.label}
              </option>
            ))}
          </select>
        </label>
      )}
      <div className="batch-table-wrap">
        <table className="batch-grid" aria-label="Results by parameter">
          <thead>
            <tr>
              <th scope="col">{rowAxes.map((i) => axes[i]!.label).join(' · ') || 'Row'}</th>
              {columns.map((value) => (
                <th key={String(value)} scope="col">
                  {column >= 0 ? `${axes[column]!.label}: ${show(value)}` : 'Result'}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {[...rows].map(([key, row]) => (
              <tr key={key}>
                <th scope="row">{row.heading}</th>
                {columns.map((value) => (
                  <Cell
                    key={String(value)}
                    cell={row.byColumn.get(column >= 0 ? String(value) : '')}
                    selected={selected}
                    onToggle={toggle}
                  />
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {total > cells.length && (
        <p className="muted">
          Showing the first {cells.length} of {total}.
        </p>
      )}
    </Modal>
  );
}
