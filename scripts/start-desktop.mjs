// `npm start`: the desktop app. Electron downloads its binary on first run; where that cannot happen
// (no network, a blocked download host) this says so in one line and points to browser mode, instead
// of electron-vite's "Electron uninstall" stack trace.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const root = path.join(import.meta.dirname, '..');
const electronDir = path.join(root, 'node_modules', 'electron');

function binaryInstalled() {
  const pathFile = path.join(electronDir, 'path.txt');
  if (!fs.existsSync(pathFile)) return false;
  return fs.existsSync(path.join(electronDir, 'dist', fs.readFileSync(pathFile, 'utf8').trim()));
}

if (!binaryInstalled()) {
  console.log('npm start: downloading the Electron binary (first run only)…');
  const install = spawnSync(process.execPath, [path.join(electronDir, 'install.js')], {
    encoding: 'utf8',
    timeout: 10 * 60_000,
  });
  if (install.status !== 0 || !binaryInstalled()) {
    const output = `${install.stderr ?? ''}\n${install.stdout ?? ''}`.trim().split('\n').filter(Boolean);
    const reason = install.error?.message ?? output.at(-1) ?? `exit ${install.status}`;
    console.error(
      `npm start: the desktop app needs the Electron binary, and it could not be downloaded here (${reason}).\n` +
        'Everything else runs without it: `npm run start:web` opens the same app in your browser.',
    );
    process.exit(1);
  }
}

const child = spawn(
  process.execPath,
  [
    path.join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'),
    'preview',
    ...process.argv.slice(2),
  ],
  { cwd: root, stdio: 'inherit' },
);
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
