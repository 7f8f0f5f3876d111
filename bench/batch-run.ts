/**
 * One bench:batch case in a process of its own (bench/batch.ts forks it with --expose-gc), so each
 * size's memory starts from the same floor: the whole app on a temp data folder (createAppServices,
 * real SQLite file, simulator, job engine), the queue paused, then the user's three calls through the
 * dispatcher — batches:read, batches:check, batches:startFile — each timed, with main's heap, RSS and
 * event-loop delay watched while they run.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import Database from 'better-sqlite3';
import type { BatchSummary, CheckResult, DraftInfo } from '../src/shared/api/batches.ts';
import type { QueueStatus } from '../src/shared/api/jobs.ts';
import type { AppServices } from '../src/main/app-services.ts';
import { startServices } from './library-app.ts';
import { makeSheet, mappedColumns, sheetText, type SheetFormat } from './batch-sheets.ts';

export interface CaseInput {
  format: SheetFormat;
  rows: number;
  seed: number;
}

export interface StepResult {
  ms: number;
  /** This process's CPU time in the step (all threads): steadier than wall time on a shared machine. */
  cpuMs: number;
  /** The longest main's loop was held while the step ran: a 1 ms timer's worst lateness. */
  loopMaxMs: number;
  /**
   * monitorEventLoopDelay over the step (a fresh one per step: one re-enabled counts the time it was
   * off, here the bench's own gc() between steps, as a late tick). Blind to a step that never yields.
   */
  eldP99Ms: number;
  eldMaxMs: number;
  /** Highest heapUsed / RSS seen during the step, over the baseline. */
  heapPeakMb: number;
  rssPeakMb: number;
  /** heapUsed over the baseline after the step and a full GC (outside the timing): what it keeps. */
  liveMb: number;
}

export interface CaseResult extends CaseInput {
  fileMb: number;
  /** Rows the generator made wrong, and what the check found. */
  badRows: number;
  invalid: number;
  errorCount: number;
  jobsWritten: number;
  itemsWritten: number;
  /** Jobs that left the queued state or got a request id: must be 0 with the queue paused. */
  sent: number;
  baselineHeapMb: number;
  baselineRssMb: number;
  steps: { read: StepResult; check: StepResult; startFile: StepResult };
  totalMs: number;
  heapPeakMb: number;
  rssPeakMb: number;
  /** Heap over the baseline after the batch is queued and a full GC: what the batch left behind. */
  heapRetainedMb: number;
  /** The same 1 ms timer's worst lateness over 300 ms with nothing to do: the machine's own noise. */
  idleLoopMaxMs: number;
  /** Over the three steps: the worst step's monitorEventLoopDelay p99, and its max (1 ms resolution). */
  loopP99Ms: number;
  loopMaxMs: number;
}

const MB = 1024 * 1024;
const ctx = { transport: 'test' } as const;
const gc = (globalThis as { gc?: () => void }).gc;

/**
 * RSS from a thread of its own: main's timers cannot fire while a step holds the loop, and that is
 * when memory peaks. (RSS is the process's, so the worker sees main's native memory too: SQLite's.)
 */
function startRssSampler() {
  const worker = new Worker(
    `const { parentPort } = require('node:worker_threads');
     let peak = process.memoryUsage.rss();
     setInterval(() => { peak = Math.max(peak, process.memoryUsage.rss()); }, 10);
     parentPort.on('message', () => { parentPort.postMessage(peak); peak = process.memoryUsage.rss(); });`,
    { eval: true },
  );
  return {
    /** The peak since the last take, and a new window from now. */
    take: () =>
      new Promise<number>((resolve) => {
        worker.once('message', resolve);
        worker.postMessage('take');
      }),
    stop: () => worker.terminate(),
  };
}

/** heapUsed every 10 ms from main's own timer, and at each step's end (a blocked loop skips ticks). */
function startHeapSampler() {
  let peak = 0;
  const sample = () => {
    peak = Math.max(peak, process.memoryUsage().heapUsed);
  };
  const timer = setInterval(sample, 10);
  return {
    take(): number {
      sample();
      const value = peak;
      peak = 0;
      return value;
    },
    stop: () => clearInterval(timer),
  };
}

/**
 * How late a 1 ms timer fires: the time a call from the page would wait for main's loop. A step that
 * never gives the loop back shows up here as one long gap (monitorEventLoopDelay would record it only
 * once the step is over, and not within a window that ends with the step).
 */
function startLoopWatch() {
  let last = performance.now();
  let worst = 0;
  const timer = setInterval(() => {
    const t = performance.now();
    worst = Math.max(worst, t - last - 1);
    last = t;
  }, 1);
  return {
    take(): number {
      const t = performance.now();
      const value = Math.max(worst, t - last - 1);
      worst = 0;
      last = t;
      return Math.max(0, value);
    },
    stop: () => clearInterval(timer),
  };
}

async function call<T>(services: AppServices, method: string, input: unknown): Promise<T> {
  const answer = await services.dispatch(method, input, ctx);
  if (!answer.ok) throw new Error(`${method}: ${answer.error.message}`);
  return answer.value as T;
}

export async function runCase(input: CaseInput): Promise<CaseResult> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-batch-'));
  // The start-up integrity check runs on a thread of its own for a moment: its memory coming and
  // going inside the steps (or the baseline) was counted as the batch's RSS, 15-90 MB run to run.
  let checked!: () => void;
  const integrityDone = new Promise<void>((resolve) => (checked = resolve));
  const services = await startServices(dataDir, undefined, undefined, () => checked());
  try {
    // Paused before anything is queued: the bench measures queueing, and nothing may reach the simulator.
    const status = await call<QueueStatus>(services, 'queue:pause', {});
    // A failed check reports nothing (the app logs it): the bench goes on after a while regardless.
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([integrityDone, new Promise((resolve) => (timer = setTimeout(resolve, 10_000)))]);
    clearTimeout(timer);
    if (status.state !== 'paused' || status.reason !== 'user') throw new Error('the queue did not pause');
    const sheet = makeSheet(input.seed, input.rows);
    const name = `campaign.${input.format}`;
    // The page's copy of the file: in main it arrives as this string, before any of our code runs.
    let text: string | null = sheetText(sheet, input.format);
    const fileMb = Buffer.byteLength(text) / MB;

    const rss = startRssSampler();
    const heap = startHeapSampler();
    gc?.();
    gc?.();
    const baselineHeap = process.memoryUsage().heapUsed;
    const baselineRss = process.memoryUsage.rss();
    await rss.take();
    heap.take();

    const watch = startLoopWatch();
    await new Promise((resolve) => setTimeout(resolve, 300));
    const idleLoopMaxMs = watch.take();
    async function step<T>(run: () => Promise<T>): Promise<{ value: T; result: StepResult }> {
      watch.take();
      const delay = monitorEventLoopDelay({ resolution: 1 });
      delay.enable();
      const cpu = process.cpuUsage();
      const started = performance.now();
      const value = await run();
      const ms = performance.now() - started;
      const used = process.cpuUsage(cpu);
      delay.disable();
      const loopMaxMs = watch.take();
      const heapPeak = heap.take();
      const rssPeak = await rss.take();
      // The user's next call comes seconds later, time enough for V8 to collect.
      gc?.();
      const live = process.memoryUsage().heapUsed;
      return {
        value,
        result: {
          ms,
          cpuMs: (used.user + used.system) / 1000,
          loopMaxMs,
          eldP99Ms: delay.percentile(99) / 1e6,
          eldMaxMs: delay.max / 1e6,
          heapPeakMb: (heapPeak - baselineHeap) / MB,
          rssPeakMb: (rssPeak - baselineRss) / MB,
          liveMb: (live - baselineHeap) / MB,
        },
      };
    }

    const read = await step(() =>
      call<DraftInfo>(services, 'batches:read', { name, text, model: 'ideogram-3' }),
    );
    // The page drops its copy once main holds the draft.
    text = null;
    const draft = read.value;
    if (draft.mapping.filter(Boolean).length !== mappedColumns) {
      throw new Error(`the headers mapped ${JSON.stringify(draft.mapping)}`);
    }
    const choice = { draftId: draft.draftId, model: 'ideogram-3', mapping: draft.mapping, fixed: {} };
    const check = await step(() => call<CheckResult>(services, 'batches:check', choice));
    const start = await step(() =>
      call<BatchSummary>(services, 'batches:startFile', {
        ...choice,
        name: `Campaign ${input.rows}`,
        skipInvalid: true,
      }),
    );
    watch.stop();
    heap.stop();
    await rss.stop();
    gc?.();
    gc?.();
    const heapRetainedMb = (process.memoryUsage().heapUsed - baselineHeap) / MB;

    // What the queue really holds, read from the library file on a connection of our own.
    const db = new Database(path.join(dataDir, 'library.sqlite3'), { readonly: true });
    const count = (sql: string) => (db.prepare(sql).pluck().get(start.value.id) as number) ?? 0;
    const jobsWritten = count('SELECT count(*) FROM jobs WHERE batch_id = ?');
    const itemsWritten = count('SELECT count(*) FROM batch_items WHERE batch_id = ?');
    const sent = count(
      "SELECT count(*) FROM jobs WHERE batch_id = ? AND (state <> 'queued' OR request_id IS NOT NULL)",
    );
    db.close();

    const steps = { read: read.result, check: check.result, startFile: start.result };
    const all = Object.values(steps);
    return {
      ...input,
      fileMb,
      badRows: sheet.badRows.length,
      invalid: check.value.invalid,
      errorCount: check.value.errorCount,
      jobsWritten,
      itemsWritten,
      sent,
      baselineHeapMb: baselineHeap / MB,
      baselineRssMb: baselineRss / MB,
      steps,
      totalMs: all.reduce((sum, s) => sum + s.ms, 0),
      heapPeakMb: Math.max(...all.map((s) => s.heapPeakMb)),
      rssPeakMb: Math.max(...all.map((s) => s.rssPeakMb)),
      heapRetainedMb,
      idleLoopMaxMs,
      loopP99Ms: Math.max(...all.map((step) => step.eldP99Ms)),
      loopMaxMs: Math.max(...all.map((step) => step.eldMaxMs)),
    };
  } finally {
    await services.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

// Forked by bench/batch.ts: one case from argv, its result back over IPC.
if (process.send && process.argv[2]) {
  const input = JSON.parse(process.argv[2]) as CaseInput;
  runCase(input).then(
    (result) => process.send!({ ok: true, result }, () => process.exit(0)),
    (error: unknown) =>
      process.send!({ ok: false, error: String((error as Error)?.stack ?? error) }, () => process.exit(1)),
  );
}
