import fs from 'node:fs';
import os from 'node:os';

/** The lowest priority there is: the thread runs on what the app and the machine leave idle. */
const backgroundNice = 19;
/** Image work the user does wait for, but less than for the loop: it still gets a share when busy. */
const poolNice = 10;

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

/**
 * The threads of this process that decode and encode images: libuv's pool (sharp runs each job on
 * one) and libvips's own workers. A 200-job run makes ~20 s of their CPU beside main on 2 cores;
 * at the same priority, main waited for a core and its loop delay p99 was 57-80 ms, with main's
 * own CPU holds under 20 ms. Lowered, the kernel hands main the core as soon as it has work.
 */
const poolThreadNames = new Set(['libuv-worker', 'libvips worker']);

/**
 * Lowers the image threads' priority, and keeps doing so for threads started later (libvips starts
 * and ends workers as it needs them), every `everyMs`. Linux only, like lowerThreadPriority.
 * Returns the function that stops it.
 */
export function lowerImageThreadsPriority(everyMs = 1_000): () => void {
  if (process.platform !== 'linux') return () => undefined;
  const done = new Set<string>();
  const sweep = () => {
    let tids: string[];
    try {
      tids = fs.readdirSync('/proc/self/task');
    } catch {
      return;
    }
    // Forget threads that have ended: libvips starts and ends workers all day, and their ids are reused.
    const present = new Set(tids);
    for (const tid of done) if (!present.has(tid)) done.delete(tid);
    for (const tid of tids) {
      if (done.has(tid)) continue;
      try {
        const name = fs.readFileSync(`/proc/self/task/${tid}/comm`, 'utf8').trim();
        if (poolThreadNames.has(name)) os.setPriority(Number(tid), poolNice);
        // Threads of other names are left alone, and not read again.
        done.add(tid);
      } catch {
        // The thread ended between the listing and the read.
      }
    }
  };
  sweep();
  const timer = setInterval(sweep, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
