import { spawnSync } from 'node:child_process';

/**
 * Whether this machine lets an unprivileged process mount a tmpfs in its own user and mount
 * namespace (`unshare -rm`): the way tests get a disk that really fills up. Linux only; container
 * policies may forbid it, and then those tests skip with a note.
 */
export function canMountTmpfs(): boolean {
  if (process.platform !== 'linux') return false;
  const probe = 'd=$(mktemp -d) && mount -t tmpfs -o size=1m tmpfs "$d" && umount "$d" && rmdir "$d"';
  return spawnSync('unshare', ['-rm', 'sh', '-c', probe], { stdio: 'ignore' }).status === 0;
}
