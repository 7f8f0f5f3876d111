import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  acquireDataLock,
  DataFolderInUse,
  lockFileName,
  lockOwnerFileName,
  type DataLock,
} from './data-lock.ts';
import { useTempDirs } from './test-support/temp-dirs.ts';

const tempDir = useTempDirs('data-lock-');
const children: ChildProcess[] = [];
const locks: DataLock[] = [];

afterEach(async () => {
  for (const lock of locks.splice(0)) lock.release();
  await Promise.all(children.splice(0).map((child) => stop(child)));
});

function take(dir: string, kind: 'desktop' | 'browser' = 'desktop'): DataLock {
  const lock = acquireDataLock(dir, { kind, version: '1.2.3', now: () => Date.UTC(2026, 11, 1, 9, 30) });
  locks.push(lock);
  return lock;
}

/** A real second process holding the lock, as browser mode would. */
async function holdInChild(dir: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, [path.join(import.meta.dirname, 'test-support/hold-lock.ts'), dir], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => chunk.toString().includes('held') && resolve());
    child.once('exit', (code) => reject(new Error(`lock holder exited with ${code}`)));
  });
  return child;
}

function stop(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill(signal);
  });
}

describe('the data folder lock', () => {
  it('refuses a second holder in the same process and names the first', () => {
    const dir = tempDir();
    expect(take(dir).held).toBe(true);
    let refused: unknown;
    try {
      take(dir, 'browser');
    } catch (error) {
      refused = error;
    }
    expect(refused).toBeInstanceOf(DataFolderInUse);
    const { owner, message } = refused as DataFolderInUse;
    expect(owner).toMatchObject({ pid: process.pid, kind: 'desktop', since: Date.UTC(2026, 11, 1, 9, 30) });
    expect(message).toContain(dir);
    expect(message).toContain(`the desktop app (pid ${process.pid}`);
  });

  it('refuses while another process holds it, and takes it over the moment that process dies', async () => {
    const dir = tempDir();
    const child = await holdInChild(dir);
    expect(() => take(dir)).toThrow(`browser mode (pid ${child.pid}`);

    // SIGKILL: no clean-up ran, its owner file is still there; the kernel dropped the lock anyway.
    await stop(child, 'SIGKILL');
    expect(fs.existsSync(path.join(dir, lockOwnerFileName))).toBe(true);
    expect(take(dir).held).toBe(true);
    const owner = JSON.parse(fs.readFileSync(path.join(dir, lockOwnerFileName), 'utf8'));
    expect(owner).toMatchObject({ pid: process.pid, kind: 'desktop' });
  });

  it('is free again after release, and removes its owner file', () => {
    const dir = tempDir();
    take(dir).release();
    expect(fs.existsSync(path.join(dir, lockOwnerFileName))).toBe(false);
    expect(take(dir).held).toBe(true);
  });

  it('replaces a lock file someone wrote garbage into', () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, lockFileName), 'not a database, not at all: '.repeat(40));
    expect(take(dir).held).toBe(true);
    expect(() => take(dir)).toThrow(DataFolderInUse);
  });

  it('writes no journal beside the lock, so it takes no disk space', () => {
    const dir = tempDir();
    take(dir);
    expect(fs.readdirSync(dir).sort()).toEqual([lockFileName, lockOwnerFileName]);
    expect(fs.statSync(path.join(dir, lockFileName)).size).toBe(0);
  });

  it('names an unknown holder when the owner file cannot be read', () => {
    const dir = tempDir();
    take(dir);
    fs.writeFileSync(path.join(dir, lockOwnerFileName), '{broken');
    expect(() => take(dir)).toThrow('in use by another Ideogram Studio process');
  });

  it('lets the app run unguarded, and says why, where the folder cannot be locked', () => {
    const dir = tempDir();
    fs.mkdirSync(path.join(dir, lockFileName));
    const reasons: unknown[] = [];
    const lock = acquireDataLock(dir, {
      kind: 'browser',
      version: 't',
      onUnlockable: (e) => reasons.push(e),
    });
    expect(lock.held).toBe(false);
    expect(reasons).toHaveLength(1);
  });
});
