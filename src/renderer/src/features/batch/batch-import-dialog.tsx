import { useRef, useState } from 'react';
import type { RowError } from '../../../../shared/api/batches.ts';
import { modelIds, models } from '../../../../shared/models/index.ts';
import { describeCost } from '../../../../shared/pricing.ts';
import { call } from '../../bridge/api.ts';
import { Modal } from '../../app/modal.tsx';
import { isDesktop } from '../../lib/desktop.ts';
import { useCompose } from '../compose/compose-store.ts';
import {
  chooseTableFileOnDesktop,
  readTableFile,
  tableFilePattern,
  useBatches,
  type FileImport,
} from './batch-store.ts';
import { BatchNameField } from './batch-name-field.tsx';
import { useBatchStart } from './use-batch-start.ts';
import './batch.css';

function ChooseFile() {
  const input = useRef<HTMLInputElement>(null);
  const reading = useBatches((state) => state.reading);
  const model = useCompose((state) => state.model);
  return (
    <div
      className="batch-drop"
      onDragOver={(event) => event.preventDefault()}
      onDrop={(event) => {
        event.preventDefault();
        const file = [...event.dataTransfer.files].find((f) => tableFilePattern.test(f.name));
        if (file) void readTableFile(file, model);
      }}
    >
      <p>
        Drop a <strong>CSV</strong>, <strong>TSV</strong> or <strong>JSON</strong> file here: one row per
        image, a column per parameter (a header named like a parameter, such as <code>prompt</code> or{' '}
        <code>style_type</code>, maps itself).
      </p>
      <button
        type="button"
        className="btn"
        disabled={reading}
        onClick={() => (isDesktop ? void chooseTableFileOnDesktop(model) : input.current?.click())}
      >
        Choose a file…
      </button>
      <input
        ref={input}
        type="file"
        className="visually-hidden"
        aria-label="Table file"
        accept=".csv,.tsv,.tab,.json,text/csv,text/tab-separated-values,application/json"
        onChange={(event) => {
          const file = event.target.files?.[0];
          event.target.value = '';
          if (file) void readTableFile(file, model);
        }}
      />
      {reading && <p className="muted">Reading the file…</p>}
    </div>
  );
}

function MappingTable({ current }: { current: FileImport }) {
  const { setMapping } = useBatches.getState();
  const fields = models[current.model].fields;
  const { draft } = current;
  return (
    <div className="batch-table-wrap">
      <table className="batch-table" aria-label="Columns">
        <thead>
          <tr>
            {draft.headers.map((header, column) => (
              <th key={column} scope="col">
                <div className="batch-header">{header || `Column ${column + 1}`}</div>
                <label>
                  <span className="visually-hidden">Parameter for column {header || column + 1}</span>
                  <select
                    className="select"
                    value={current.mapping[column] ?? ''}
                    onChange={(event) => setMapping(column, event.target.value || null)}
                  >
                    <option value="">(ignore)</option>
                    {fields.map((field) => (
                      <option key={field.name} value={field.name}>
                        {field.label} ({field.name})
                      </option>
                    ))}
                  </select>
                </label>
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {draft.sample.map((cells, r) => (
            <tr key={r}>
              {draft.headers.map((_, column) => (
                <td key={column}>{cells[column] ?? ''}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      {draft.rowCount > draft.sample.length && (
        <p className="muted">…and {(draft.rowCount - draft.sample.length).toLocaleString()} more rows.</p>
      )}
    </div>
  );
}

function FixedValues({ current }: { current: FileImport }) {
  const { setFixed } = useBatches.getState();
  const used = new Set([...current.mapping.filter(Boolean), ...Object.keys(current.fixed)]);
  const free = models[current.model].fields.filter((field) => !used.has(field.name));
  const [param, setParam] = useState('');
  return (
    <div className="batch-fixed">
      <h3 className="field-label">Same for every row</h3>
      {Object.entries(current.fixed).map(([name, value]) => (
        <div key={name} className="inline-row">
          <label>
            {name}{' '}
            <input className="input" value={value} onChange={(event) => setFixed(name, event.target.value)} />
          </label>
          <button type="button" className="btn btn-small" onClick={() => setFixed(name, null)}>
            Remove
          </button>
        </div>
      ))}
      <div className="inline-row">
        <label>
          <span className="visually-hidden">Parameter to fix for every row</span>
          <select className="select" value={param} onChange={(event) => setParam(event.target.value)}>
            <option value="">Add a parameter…</option>
            {free.map((field) => (
              <option key={field.name} value={field.name}>
                {field.label}
              </option>
            ))}
          </select>
        </label>
        <button
          type="button"
          className="btn btn-small"
          disabled={!param}
          onClick={() => {
            setFixed(param, '');
            setParam('');
          }}
        >
          Add
        </button>
      </div>
      <p className="muted">
        Parameters with no column and no value here take the model&apos;s defaults; an empty seed is drawn.
      </p>
    </div>
  );
}

function ErrorRow({ error }: { error: RowError }) {
  const [value, setValue] = useState(error.value);
  const fixCell = useBatches((state) => state.fixCell);
  return (
    <li className="batch-error">
      <span>{error.message}</span>
      {error.column !== null && (
        <form
          className="inline-row"
          onSubmit={(event) => {
            event.preventDefault();
            void fixCell(error.row, error.column!, value);
          }}
        >
          <label>
            <span className="visually-hidden">
              New value for row {error.row}, {error.param}
            </span>
            <input className="input" value={value} onChange={(event) => setValue(event.target.value)} />
          </label>
          <button type="submit" className="btn btn-small">
            Fix
          </button>
        </form>
      )}
    </li>
  );
}

function StartBar({ current, onStarted }: { current: FileImport; onStarted(): void }) {
  const [name, setName] = useState(current.draft.name.replace(/\.[^.]+$/, ''));
  const [skip, setSkip] = useState(false);
  const { busy, error, start: startBatch } = useBatchStart();
  const check = current.check;
  const blocked = !check || check.valid === 0 || (check.invalid > 0 && !skip) || busy || !name.trim();
  async function start() {
    if (!check) return;
    await startBatch(
      `Batch "${name}"`,
      { jobs: check.valid, images: check.images, usd: check.usd },
      async () => {
        await call('batches:startFile', {
          draftId: current.draft.draftId,
          model: current.model,
          mapping: current.mapping,
          fixed: current.fixed,
          name: name.trim(),
          skipInvalid: skip,
        });
        onStarted();
      },
    );
  }
  return (
    <div className="batch-start">
      <BatchNameField value={name} onChange={setName} />
      {check && check.invalid > 0 && (
        <label className="switch-row">
          <input type="checkbox" checked={skip} onChange={(event) => setSkip(event.target.checked)} />
          Skip the {check.invalid} row{check.invalid === 1 ? '' : 's'} with errors
        </label>
      )}
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
      <button type="button" className="btn btn-primary" disabled={blocked} onClick={() => void start()}>
        {check ? `Start ${describeCost(check.images, check.usd)}` : 'Start'}
      </button>
    </div>
  );
}

/** Batch from a file: choose or drop it, map its columns, see every row's errors, fix or skip, start. */
export function BatchImportDialog() {
  const open = useBatches((state) => state.importOpen);
  const current = useBatches((state) => state.import);
  const importError = useBatches((state) => state.importError);
  const { openImport, setModel } = useBatches.getState();
  const check = current?.check;
  return (
    <Modal title="Batch from a file" open={open} onClose={() => openImport(false)} className="batch-modal">
      {!current ? (
        <ChooseFile />
      ) : (
        <div className="batch-import">
          <div className="inline-row">
            <strong>{current.draft.name}</strong>
            <span className="muted">
              {current.draft.format.toUpperCase()}, {current.draft.rowCount.toLocaleString()} rows
            </span>
            <label>
              Model{' '}
              <select
                className="select"
                value={current.model}
                onChange={(event) => setModel(event.target.value as (typeof modelIds)[number])}
              >
                {modelIds.map((id) => (
                  <option key={id} value={id}>
                    {models[id].label}
                  </option>
                ))}
              </select>
            </label>
          </div>
          <MappingTable current={current} />
          <FixedValues current={current} />
          {current.planError && (
            <p className="field-error" role="alert">
              {current.planError}
            </p>
          )}
          {check && (
            <section aria-label="Check" className="batch-check">
              <p data-testid="batch-check" aria-live="polite">
                {check.valid.toLocaleString()} row{check.valid === 1 ? '' : 's'} ready
                {check.invalid > 0 ? `, ${check.invalid.toLocaleString()} with errors` : ''} ·{' '}
                {describeCost(check.images, check.usd)}
                {current.checking ? ' (checking…)' : ''}
              </p>
              {check.errors.length > 0 && (
                <ul className="batch-errors" aria-label="Row errors">
                  {check.errors.map((error) => (
                    <ErrorRow key={`${error.row}:${error.param}:${error.value}`} error={error} />
                  ))}
                </ul>
              )}
              {check.errorCount > check.errors.length && (
                <p className="muted">…and {check.errorCount - check.errors.length} more errors.</p>
              )}
            </section>
          )}
          <StartBar key={current.draft.draftId} current={current} onStarted={() => openImport(false)} />
        </div>
      )}
      {importError && (
        <p className="field-error" role="alert">
          {importError}
        </p>
      )}
    </Modal>
  );
}
