import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { _electron as electron } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { projectRoot } from './harness.ts';

/**
 * Electron 45 downloads its binary lazily, and the download host is out of reach on our build
 * machines. Where the binary is present (a developer's laptop), this proves the real shell boots
 * sandboxed with our preload; where it is absent it skips and says why.
 */
function electronBinary(): string | null {
  const pathFile = join(projectRoot, 'node_modules', 'electron', 'path.txt');
  if (!existsSync(pathFile)) return null;
  const binary = join(projectRoot, 'node_modules', 'electron', 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(binary) ? binary : null;
}

const binary = electronBinary();
if (!binary) {
  console.warn(
    '[electron-smoke] skipped: the Electron binary is not installed here (node_modules/electron/path.txt is missing).',
  );
}

describe.skipIf(!binary)('Electron shell (needs the Electron binary)', () => {
  it('opens the studio in a sandboxed window with only the contract bridge', async () => {
    const app = await electron.launch({
      executablePath: binary!,
      args: [projectRoot],
      env: {
        ...process.env,
        XDG_CONFIG_HOME: mkdtempSync(join(tmpdir(), 'studio-electron-')),
        SEGMIND_API_KEY: '',
      },
    });
    try {
      const page = await app.firstWindow();
      await page.getByLabel('Prompt').waitFor();
      const exposed = await page.evaluate(() => ({
        bridge: Object.keys((window as unknown as { studio: object }).studio).sort(),
        require: typeof (window as unknown as { require?: unknown }).require,
        process: typeof (window as unknown as { process?: unknown }).process,
      }));
      expect(exposed).toEqual({ bridge: ['call', 'on'], require: 'undefined', process: 'undefined' });
      expect(page.url()).toMatch(/^studio:\/\/app\//);
    } finally {
      await app.close();
    }
  });
});
