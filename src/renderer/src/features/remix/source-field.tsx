import { useRef, useState, type ClipboardEvent, type DragEvent } from 'react';
import { sha256FromLocalRef } from '../../../../shared/models/index.ts';
import { mediaUrl } from '../../bridge/api.ts';
import { describedBy, FieldError, FieldHelp, inputId, type FieldProps } from '../compose/field-control.tsx';
import { LIBRARY_DRAG_TYPE, useRemix, type LibraryDragPayload } from './remix-store.ts';
import './remix.css';

/**
 * What a ref shows when this session did not make its preview (settings remembered from last time,
 * "use these settings"): local images come back from the store by hash, URLs are shown as text.
 */
function storedPreview(ref: string): { url: string | null; label: string } {
  const sha256 = sha256FromLocalRef(ref);
  return sha256
    ? { url: mediaUrl(`/blob/${sha256}`), label: 'image kept from last time' }
    : { url: null, label: ref };
}

/**
 * A remix source (or the list of style references): files from the desktop, library images dragged
 * over, a pasted image, or a URL. Everything ends up as a ref the host resolves.
 */
export function SourceField({ field, value, error, onChange, multiple }: FieldProps & { multiple: boolean }) {
  const refs = multiple
    ? Array.isArray(value)
      ? (value as string[])
      : []
    : typeof value === 'string'
      ? [value]
      : [];
  const previews = useRemix((state) => state.previews);
  const message = useRemix((state) => state.messages[field.name] ?? null);
  const busy = useRemix((state) => state.busy[field.name] ?? false);
  const remix = useRemix.getState();
  const [over, setOver] = useState(false);
  const [url, setUrl] = useState('');
  const fileInput = useRef<HTMLInputElement>(null);
  const id = inputId(field.name);

  function accept(newRefs: string[]) {
    if (newRefs.length === 0) return;
    if (multiple) onChange([...refs, ...newRefs.filter((ref) => !refs.includes(ref))]);
    else onChange(newRefs[0]);
  }

  async function takeFiles(files: File[]) {
    accept(await remix.addFiles(field.name, multiple ? files : files.slice(0, 1)));
  }

  function onDrop(event: DragEvent<HTMLDivElement>) {
    event.preventDefault();
    setOver(false);
    const fromLibrary = event.dataTransfer.getData(LIBRARY_DRAG_TYPE);
    if (fromLibrary) {
      const ref = remix.addLibraryImage(field.name, JSON.parse(fromLibrary) as LibraryDragPayload);
      if (ref) accept([ref]);
      return;
    }
    const files = [...event.dataTransfer.files];
    if (files.length > 0) {
      void takeFiles(files);
      return;
    }
    const link = event.dataTransfer.getData('text/uri-list') || event.dataTransfer.getData('text/plain');
    if (link) {
      const ref = remix.addUrl(field.name, link.split('\n')[0] ?? '');
      if (ref) accept([ref]);
    }
  }

  function onPaste(event: ClipboardEvent<HTMLDivElement>) {
    const files = [...event.clipboardData.files];
    if (files.length === 0) return;
    event.preventDefault();
    void takeFiles(files);
  }

  return (
    <div className="field source-field">
      <span className="field-label" id={`${id}-label`}>
        {field.label}
        {field.required && <span className="required"> (required)</span>}
      </span>
      <div
        className={`drop-zone ${over ? 'drop-zone-over' : ''} ${error ? 'drop-zone-invalid' : ''}`}
        role="group"
        aria-labelledby={`${id}-label`}
        aria-describedby={describedBy(field.name, error)}
        data-testid={`drop-${field.name}`}
        tabIndex={0}
        onDragOver={(event) => {
          event.preventDefault();
          event.dataTransfer.dropEffect = 'copy';
          setOver(true);
        }}
        onDragLeave={() => setOver(false)}
        onDrop={onDrop}
        onPaste={onPaste}
      >
        {refs.length > 0 && (
          <ul className="source-previews">
            {refs.map((ref) => {
              const preview = previews[ref] ?? storedPreview(ref);
              return (
                <li key={ref} className="source-preview">
                  {preview.url ? (
                    <img src={preview.url} alt={`Source: ${preview.label}`} />
                  ) : (
                    <span className="source-placeholder">{preview.label}</span>
                  )}
                  <button
                    type="button"
                    className="btn btn-small"
                    aria-label={`Remove ${preview.label}`}
                    onClick={() =>
                      multiple ? onChange(refs.filter((other) => other !== ref)) : onChange(undefined)
                    }
                  >
                    Remove
                  </button>
                </li>
              );
            })}
          </ul>
        )}
        <p className="drop-hint">
          {busy ? (
            <>
              <span className="spinner" aria-hidden="true" /> Reading image…
            </>
          ) : (
            <>
              Drop {multiple ? 'images' : 'an image'} here (from your desktop or the library), or paste one.
            </>
          )}
        </p>
        <div className="inline-row">
          <button type="button" className="btn btn-small" onClick={() => fileInput.current?.click()}>
            Choose file…
          </button>
          <input
            ref={fileInput}
            type="file"
            hidden
            accept="image/png,image/jpeg,image/webp"
            multiple={multiple}
            onChange={(event) => {
              void takeFiles([...(event.target.files ?? [])]);
              event.target.value = '';
            }}
          />
        </div>
        <div className="inline-row">
          <label htmlFor={`${id}-url`} className="visually-hidden">
            {field.label} URL
          </label>
          <input
            id={`${id}-url`}
            className="input"
            type="url"
            placeholder="https://… image URL"
            value={url}
            onChange={(event) => setUrl(event.target.value)}
            onKeyDown={(event) => {
              if (event.key === 'Enter') {
                event.preventDefault();
                const ref = remix.addUrl(field.name, url);
                if (ref) {
                  accept([ref]);
                  setUrl('');
                }
              }
            }}
          />
          <button
            type="button"
            className="btn btn-small"
            disabled={!url.trim()}
            onClick={() => {
              const ref = remix.addUrl(field.name, url);
              if (ref) {
                accept([ref]);
                setUrl('');
              }
            }}
          >
            Use URL
          </button>
        </div>
      </div>
      {message && (
        <p className={message.ok ? 'field-help' : 'field-error'} role="alert">
          {message.text}
        </p>
      )}
      <FieldHelp field={field} />
      <FieldError name={field.name} error={error} />
    </div>
  );
}
