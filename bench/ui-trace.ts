import type { Page } from 'playwright-core';

interface TraceEvent {
  name: string;
  ph: string;
  pid: number;
  tid: number;
  ts: number;
  /** Wall time, µs. */
  dur?: number;
  /** The thread's own CPU time, µs: what the task cost, whatever else the machine was doing. */
  tdur?: number;
  args?: { name?: string };
}

export interface PageTasks {
  /** Tasks of the page's main thread longer than the limit by the wall clock. */
  byWall: number;
  /** Of those, the ones whose thread itself ran longer than the limit (its own CPU time). */
  byCpu: number;
  maxWallMs: number;
  maxCpuMs: number;
}

/**
 * A Chromium trace around `work`, read for the page's main-thread tasks. On a shared 2-core machine
 * most tasks over 50 ms by the wall clock are the renderer waiting for a core (a task of 120 ms wall
 * with 10 ms of its own CPU time); the thread's CPU time tells that apart from work the page does.
 */
export async function tracePageTasks(
  page: Page,
  limitMs: number,
  work: () => Promise<void>,
): Promise<PageTasks> {
  const browser = page.context().browser();
  if (!browser) throw new Error('the page has no browser to trace');
  await browser.startTracing(page, {
    categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline'],
  });
  let buffer: Buffer;
  try {
    await work();
  } finally {
    buffer = await browser.stopTracing();
  }
  const events = (JSON.parse(buffer.toString()) as { traceEvents: TraceEvent[] }).traceEvents;
  const main = new Set(
    events
      .filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain')
      .map((e) => `${e.pid}:${e.tid}`),
  );
  const long = events.filter(
    (e) =>
      e.name === 'RunTask' && e.ph === 'X' && main.has(`${e.pid}:${e.tid}`) && (e.dur ?? 0) > limitMs * 1000,
  );
  const cpu = long.map((e) => (e.tdur ?? e.dur ?? 0) / 1000);
  return {
    byWall: long.length,
    byCpu: cpu.filter((ms) => ms > limitMs).length,
    maxWallMs: Math.round(Math.max(0, ...long.map((e) => (e.dur ?? 0) / 1000))),
    maxCpuMs: Math.round(Math.max(0, ...cpu)),
  };
}
