import fs from 'node:fs';
import path from 'node:path';
import { moveAside } from '../recovery/move-aside.ts';
import { settingsFileName } from './settings-store.ts';

export interface SettingsSetAside {
  /** Where the unreadable file now is. */
  keptAs: string;
  reason: string;
}

/**
 * Run before electron-store or Conf read settings.json: both throw on a file that is not a JSON object,
 * and both would overwrite it once told to ignore it. A file that does not parse is moved aside (kept,
 * with the time in its name) so the app starts on defaults and the user's file survives.
 */
export function setAsideUnreadableSettings(dataDir: string, now: number): SettingsSetAside | null {
  const file = path.join(dataDir, `${settingsFileName}.json`);
  const reason = unreadableReason(file);
  if (reason === null) return null;
  const keptAs = moveAside(file, now);
  return keptAs === null ? null : { keptAs, reason };
}

function unreadableReason(file: string): string | null {
  let stat: fs.Stats;
  try {
    stat = fs.lstatSync(file);
  } catch {
    return null;
  }
  if (!stat.isFile()) return 'it is not a file';
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    return `it cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`;
  }
  let value: unknown;
  try {
    // Conf skips a byte order mark too: an editor's BOM is not damage.
    value = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch {
    return text.includes('\u0000') || text.includes('\uFFFD')
      ? 'it holds binary data'
      : 'it is not valid JSON';
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'it does not hold settings';
  return null;
}
