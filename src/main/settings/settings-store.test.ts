import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Conf from 'conf';
import { describe, expect, it } from 'vitest';
import { createKeyManager, createSessionKeyStore } from './key-store.ts';
import { createSettingsStore, defaultSettings, settingsFileName } from './settings-store.ts';

function openStore(dir: string) {
  return createSettingsStore(new Conf({ cwd: dir, configName: settingsFileName }));
}

describe('settings store', () => {
  it('starts from defaults and keeps updates on disk', () => {
    const dir = mkdtempSync(join(tmpdir(), 'studio-settings-'));
    expect(openStore(dir).get()).toEqual(defaultSettings);
    openStore(dir).update({ theme: 'dark', concurrency: 3 });
    expect(openStore(dir).get()).toMatchObject({ theme: 'dark', concurrency: 3 });
    expect(JSON.parse(readFileSync(join(dir, 'settings.json'), 'utf8'))).toMatchObject({ theme: 'dark' });
  });

  it('falls back field by field when the file holds values it cannot use', () => {
    const dir = mkdtempSync(join(tmpdir(), 'studio-settings-'));
    writeFileSync(
      join(dir, 'settings.json'),
      JSON.stringify({ theme: 'neon', concurrency: 5, windowBounds: { width: 9 } }),
    );
    expect(openStore(dir).get()).toMatchObject({ theme: 'system', concurrency: 5 });
  });
});

describe('key manager', () => {
  it('shows only the last four characters and says the session store does not persist', () => {
    const keys = createKeyManager(createSessionKeyStore(), undefined);
    expect(keys.status()).toEqual({ set: false, last4: null, source: null, encryptionAvailable: false });
    const status = keys.set('  sg_abcdefgh1234  ');
    expect(status).toEqual({ set: true, last4: '1234', source: 'session', encryptionAvailable: false });
    expect(keys.current()).toBe('sg_abcdefgh1234');
    expect(keys.clear().set).toBe(false);
  });

  it('lets SEGMIND_API_KEY win over a stored key', () => {
    const keys = createKeyManager(createSessionKeyStore(), 'env-key-9876');
    keys.set('stored-key-0000');
    expect(keys.current()).toBe('env-key-9876');
    expect(keys.status()).toMatchObject({ source: 'env', last4: '9876' });
  });
});
