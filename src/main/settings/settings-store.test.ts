import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Conf from 'conf';
import { describe, expect, it } from 'vitest';
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
