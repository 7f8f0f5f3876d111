import { useState } from 'react';
import type { Settings } from '../../../../shared/api/app.ts';
import { Modal } from '../../app/modal.tsx';
import { messageOf } from '../../lib/errors.ts';
import { useSettings } from './settings-store.ts';
import './settings.css';
import { isDesktop, revealDataDir } from '../../lib/desktop.ts';
import { LibraryCare } from './library-care.tsx';
import { SpendSettings } from '../spend/spend-settings.tsx';
import { keySourceText } from './key-source.ts';
import { TrashSetting } from '../library/trash-setting.tsx';
import { RateLimitSetting } from './rate-limit-setting.tsx';

function KeySection() {
  const key = useSettings((state) => state.key);
  const busy = useSettings((state) => state.keyBusy);
  const message = useSettings((state) => state.keyMessage);
  const { setKey, clearKey, testKey } = useSettings.getState();
  const [draft, setDraft] = useState('');
  return (
    <section className="settings-section" aria-labelledby="settings-key">
      <h3 id="settings-key">Segmind API key</h3>
      <p className="muted" data-testid="key-source">
        {keySourceText(key)} The key stays in the app&apos;s main process; this page only ever sees its last
        four characters.
      </p>
      {key && !key.encryptionAvailable && (
        <p className="muted">
          This system offers no secure storage, so a key entered here lasts until the app closes.
        </p>
      )}
      <form
        className="inline-row"
        onSubmit={(event) => {
          event.preventDefault();
          void setKey(draft).then((ok) => ok && setDraft(''));
        }}
      >
        <label htmlFor="api-key" className="visually-hidden">
          API key
        </label>
        <input
          id="api-key"
          className="input"
          type="password"
          autoComplete="off"
          placeholder={key?.set ? `••••${key.last4 ?? ''}` : 'Paste your key'}
          value={draft}
          onChange={(event) => setDraft(event.target.value)}
        />
        <button type="submit" className="btn" disabled={busy || draft.trim().length < 8}>
          Save key
        </button>
      </form>
      <div className="inline-row">
        <button type="button" className="btn" disabled={busy || !key?.set} onClick={() => void testKey()}>
          Test key
        </button>
        <button
          type="button"
          className="btn btn-danger"
          disabled={busy || (key?.source !== 'stored' && key?.source !== 'session')}
          onClick={() => void clearKey()}
        >
          Remove key
        </button>
        {busy && <span className="spinner" aria-label="Working" />}
      </div>
      {message && (
        <p className={message.ok ? 'settings-ok' : 'field-error'} role="status">
          {message.text}
        </p>
      )}
    </section>
  );
}

export function SettingsDialog() {
  const open = useSettings((state) => state.open);
  const setOpen = useSettings((state) => state.setOpen);
  const settings = useSettings((state) => state.settings);
  const info = useSettings((state) => state.info);
  const update = useSettings((state) => state.update);
  const [error, setError] = useState<string | null>(null);
  const [copied, setCopied] = useState(false);

  function change(patch: Partial<Settings>) {
    setError(null);
    update(patch).catch((err: unknown) => setError(messageOf(err)));
  }

  return (
    <Modal title="Settings" open={open} onClose={() => setOpen(false)} className="settings-modal">
      <div className="settings">
        <KeySection />
        {settings && (
          <>
            <section className="settings-section" aria-labelledby="settings-sim">
              <h3 id="settings-sim">Simulator</h3>
              <label className="switch-row">
                <input
                  type="checkbox"
                  role="switch"
                  checked={settings.simulator === 'always'}
                  onChange={(event) => change({ simulator: event.target.checked ? 'always' : 'auto' })}
                />
                Always use the simulator, even with a key (no credits spent)
              </label>
              <p className="muted">
                Now:{' '}
                {info?.mode === 'live' ? `live, sending requests to ${info.apiOrigin}` : 'simulated images'}.
              </p>
            </section>
            <section className="settings-section" aria-labelledby="settings-concurrency">
              <h3 id="settings-concurrency">Jobs at once</h3>
              <label className="inline-row">
                <input
                  type="range"
                  min={1}
                  max={8}
                  value={settings.concurrency}
                  onChange={(event) => change({ concurrency: Number(event.target.value) })}
                  aria-describedby="concurrency-help"
                />
                <output>{settings.concurrency}</output>
              </label>
              <p id="concurrency-help" className="muted">
                How many requests run in parallel; Segmind may rate-limit higher numbers.
              </p>
            </section>
            <RateLimitSetting settings={settings} change={change} />
            <SpendSettings settings={settings} change={change} />
            <section className="settings-section" aria-labelledby="settings-theme">
              <h3 id="settings-theme">Theme</h3>
              <div className="segmented-options" role="radiogroup" aria-labelledby="settings-theme">
                {(['system', 'light', 'dark'] as const).map((theme) => (
                  <label key={theme} className="segmented-option">
                    <input
                      type="radio"
                      name="theme"
                      checked={settings.theme === theme}
                      onChange={() => change({ theme })}
                    />
                    <span>{theme === 'system' ? 'System' : theme === 'light' ? 'Light' : 'Dark'}</span>
                  </label>
                ))}
              </div>
            </section>
          </>
        )}
        {info && (
          <section className="settings-section" aria-labelledby="settings-data">
            <h3 id="settings-data">Data folder</h3>
            <p>
              <code className="data-dir">{info.dataDir}</code>
            </p>
            <button
              type="button"
              className="btn btn-small"
              onClick={() =>
                void navigator.clipboard.writeText(info.dataDir).then(
                  () => setCopied(true),
                  () => setCopied(false),
                )
              }
            >
              {copied ? 'Copied' : 'Copy path'}
            </button>
            {isDesktop && (
              <button type="button" className="btn btn-small" onClick={() => void revealDataDir()}>
                Show folder
              </button>
            )}
            <p className="muted">
              Images, the library database and settings live here. Version {info.version},{' '}
              {info.transport === 'web' ? 'browser mode' : 'desktop'} on {info.platform}.
            </p>
          </section>
        )}
        <TrashSetting />
        <LibraryCare />
        {error && (
          <p className="field-error" role="alert">
            {error}
          </p>
        )}
      </div>
    </Modal>
  );
}
