import fs from 'node:fs';
import path from 'node:path';
import Conf from 'conf';
import { describe, expect, it } from 'vitest';
import { useTempDirs } from '../recovery/test-support/temp-dirs.ts';
import { setAsideUnreadableSettings } from './settings-file.ts';
import { createSettingsStore, defaultSettings, settingsFileName } from './settings-store.ts';

const tempDir = useTempDirs('settings-file-');
const now = Date.UTC(2026, 11, 1, 9, 30, 5);
const keptName = 'settings.damaged-2026-12-01T09-30-05Z.json';

const damaged: [string, string | Buffer, RegExp][] = [
  ['garbage text', 'theme = dark\nconcurrency: 3', /not valid JSON/],
  ['a JSON file cut short', '{"theme": "dark", "concurrency"', /not valid JSON/],
  ['binary data', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0xff, 0xfe, 0x00, 0x13]), /binary/],
  ['an empty file', '', /not valid JSON/],
  ['a JSON array', '[1, 2, 3]', /does not hold settings/],
  ['JSON null', 'null', /does not hold settings/],
];

describe('settings that do not parse', () => {
  it.each(damaged)(
    'moves %s aside, byte for byte, and the store starts on defaults',
    (_, content, reason) => {
      const dir = tempDir();
      const file = path.join(dir, 'settings.json');
      fs.writeFileSync(file, content);
      const result = setAsideUnreadableSettings(dir, now);
      expect(result?.reason).toMatch(reason);
      expect(result?.keptAs).toBe(path.join(dir, keptName));
      expect(fs.readFileSync(path.join(dir, keptName))).toEqual(Buffer.from(content));
      expect(fs.existsSync(file)).toBe(false);
      const settings = createSettingsStore(new Conf({ cwd: dir, configName: settingsFileName }));
      expect(settings.get()).toEqual(defaultSettings);
      settings.update({ theme: 'dark' });
      expect(fs.readFileSync(path.join(dir, keptName))).toEqual(Buffer.from(content));
    },
  );

  it('moves a folder standing where the file should be', () => {
    const dir = tempDir();
    fs.mkdirSync(path.join(dir, 'settings.json'));
    fs.writeFileSync(path.join(dir, 'settings.json', 'inside.txt'), 'kept');
    expect(setAsideUnreadableSettings(dir, now)?.reason).toBe('it is not a file');
    expect(fs.readFileSync(path.join(dir, keptName, 'inside.txt'), 'utf8')).toBe('kept');
  });

  it('leaves good files alone, a byte order mark included, and does nothing without a file', () => {
    const dir = tempDir();
    expect(setAsideUnreadableSettings(dir, now)).toBeNull();
    fs.writeFileSync(path.join(dir, 'settings.json'), '\uFEFF{"theme":"dark"}');
    expect(setAsideUnreadableSettings(dir, now)).toBeNull();
    expect(createSettingsStore(new Conf({ cwd: dir, configName: settingsFileName })).get().theme).toBe(
      'dark',
    );
  });

  it('never overwrites a file set aside earlier in the same second', () => {
    const dir = tempDir();
    for (const content of ['first {', 'second {']) {
      fs.writeFileSync(path.join(dir, 'settings.json'), content);
      setAsideUnreadableSettings(dir, now);
    }
    expect(fs.readFileSync(path.join(dir, keptName), 'utf8')).toBe('first {');
    expect(fs.readFileSync(path.join(dir, 'settings.damaged-2026-12-01T09-30-05Z-2.json'), 'utf8')).toBe(
      'second {',
    );
  });
});
