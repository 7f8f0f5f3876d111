import fs from 'node:fs';
import os from 'node:os';

/** The lowest priority there is: the thread runs on what the app and the machine leave idle. */
const backgroundNice = 19;

/**
 * Lowers the calling thread's CPU priority, for work nobody is waiting on (the integrity check reads
 * the whole library: ~30 s of CPU at a million images, just after start, on a 2-core machine where
 * main's loop and the page's queries need those cores). Linux sets a nice value per thread, found
 * by its id in /proc/thread-self; elsewhere there is no per-thread call, and the thread keeps the
 * process's priority. Returns whether the priority was lowered.
 */
export function lowerThreadPriority(): boolean {
  if (process.platform !== 'linux') return false;
  try {
    const tid = Number(fs.readlinkSync('/proc/thread-self').split('/').pop());
    os.setPriority(tid, backgroundNice);
    return true;
  } catch {
    // No /proc (a sandbox) or no permission: the work still runs, only at normal priority.
    return false;
  }
}
