import { homedir } from 'node:os';
import { join } from 'node:path';

export const appName = 'Ideogram Studio';

/**
 * The folder Electron's app.getPath('userData') gives for our productName, computed without Electron
 * so browser mode and scripts find the desktop app's library by default.
 */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string {
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), appName);
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', appName);
  return join(env.XDG_CONFIG_HOME || join(homedir(), '.config'), appName);
}
