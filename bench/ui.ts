/**
 * bench:ui — the library grid in Chromium with 100,000 images.
 *
 * 1. Writes N rows (default 100,000; --rows=N) straight into a temp data folder's SQLite through the
 *    library's own insert path. They share 24 tiny PNGs, so thumbnails are cheap and the grid's own
 *    work (paging, virtualisation, React) is what is measured.
 * 2. Builds the renderer, opens browser mode on that folder in headless Chromium and reports the time
 *    to the first grid paint (the page's own mark) and to the first thumbnail decoded.
 * 3. Scrolls the grid with the mouse wheel, then drags the scrollbar to 25/50/75/100 % (which pages
 *    through the whole result by cursor), counting long tasks (PerformanceObserver 'longtask', over
 *    50 ms) and frame gaps meanwhile. Results go to bench/results/ui.json.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import sharp from 'sharp';
import { launchBrowser, projectRoot, screenshot, startStudio } from '../e2e/harness.ts';
import { openDatabase } from '../src/main/library/database.ts';
import { createFileStore } from '../src/main/library/file-store.ts';
import { insertImageRow } from '../src/main/library/image-rows.ts';
import type { PreparedImage } from '../src/main/library/prepare-image.ts';
import { mulberry32 } from '../src/main/simulator/seeded-random.ts';
import { printTable, quantile, writeResults, type Row } from './bench-table.ts';

const rowsFlag = process.argv.find((arg) => arg.startsWith('--rows='))?.split('=')[1];
const ROWS = rowsFlag ? Number(rowsFlag) : 100_000;
if (!Number.isInteger(ROWS) || ROWS < 100) throw new Error('--rows must be an integer of at least 100');
const WHEEL_STEPS = 240;
const WHEEL_DELTA = 900;

const random = mulberry32(11);
const words = (
  'poster logo fox owl dragon robot city forest ocean mountain castle street night sunset winter neon ' +
  'vintage minimal bold watercolour photo cinematic golden blue red green typography lettering album ' +
  'sticker pattern flower garden whale astronaut planet galaxy lighthouse bridge train market island'
).split(' ');
const sentence = (n: number) =>
  Array.from({ length: n }, () => words[Math.floor(random() * words.length)]).join(' ');

async function buildLibrary(dataDir: string): Promise<number> {
  const started = performance.now();
  const db = openDatabase(path.join(dataDir, 'library.sqlite3'));
  // This connection only writes the fixture: a big page cache keeps 100k inserts from going to disk
  // for index pages over and over; the app opens the file with its own settings.
  db.pragma('cache_size = -262144');
  const store = createFileStore(path.join(dataDir, 'images'));
  const shared: PreparedImage[] = [];
  for (let i = 0; i < 24; i++) {
    const hue = Math.round((i / 24) * 360);
    const png = await sharp({
      create: { width: 64, height: 64, channels: 3, background: `hsl(${hue}, 60%, 55%)` },
    })
      .png()
      .toBuffer();
    const { sha256, bytes } = await store.put(png);
    shared.push({ sha256, format: 'png', mime: 'image/png', bytes, width: 64, height: 64, embedded: null });
  }
  const start = Date.UTC(2025, 0, 1);
  const span = 365 * 24 * 3600 * 1000;
  const insert = db.transaction((from: number, to: number) => {
    for (let i = from; i < to; i++) {
      insertImageRow(
        db,
        shared[i % shared.length]!,
        {
          model: i % 3 === 0 ? 'ideogram-4' : 'ideogram-3',
          prompt: sentence(6 + Math.floor(random() * 10)),
          params: { aspect_ratio: '1x1' },
          seed: 100 + Math.floor(random() * 999_000),
          jobId: `bench-ui-${i}`,
          outputIndex: 0,
          createdAt: start + Math.floor((i / ROWS) * span),
        },
        'generated',
        Date.now(),
      );
    }
  });
  for (let from = 0; from < ROWS; from += 5_000) {
    insert(from, Math.min(ROWS, from + 5_000));
    if ((from + 5_000) % 20_000 === 0) {
      console.log(
        `  ${(from + 5_000).toLocaleString()} rows, ${((performance.now() - started) / 1000).toFixed(1)} s`,
      );
    }
  }
  db.close();
  return (performance.now() - started) / 1000;
}

function buildRenderer(): void {
  const result = spawnSync(
    process.execPath,
    [path.join(projectRoot, 'node_modules/electron-vite/bin/electron-vite.js'), 'build'],
    {
      cwd: projectRoot,
      stdio: 'inherit',
    },
  );
  if (result.status !== 0) throw new Error('electron-vite build failed');
}

/** Installed before the page's own scripts: records long tasks, frame times and the first thumbnail. */
const instrument = () => {
  const probe = {
    longTasks: [] as { start: number; duration: number }[],
    frames: [] as number[],
    firstThumb: 0,
  };
  (window as unknown as { __bench: typeof probe }).__bench = probe;
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries())
      probe.longTasks.push({ start: entry.startTime, duration: entry.duration });
  }).observe({ type: 'longtask', buffered: true });
  document.addEventListener(
    'load',
    (event) => {
      const target = event.target as HTMLElement;
      if (!probe.firstThumb && target.tagName === 'IMG' && target.closest('[aria-label="Library"]')) {
        probe.firstThumb = performance.now();
      }
    },
    true,
  );
  const frame = (time: number) => {
    probe.frames.push(time);
    requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
};

async function main(): Promise<void> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), process.env.KEEP ? 'keep-ui-' : 'bench-ui-'));
  console.log(`Writing ${ROWS.toLocaleString()} library rows into ${dataDir}…`);
  const buildSeconds = await buildLibrary(dataDir);
  console.log(`…in ${buildSeconds.toFixed(1)} s. Building the renderer…`);
  buildRenderer();

  const studio = await startStudio({ dataDir });
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage({ viewport: { width: 1440, height: 960 } });
    await page.addInitScript(instrument);
    await page.goto(studio.openUrl);
    const grid = page.getByLabel('Library', { exact: true });
    await grid.getByRole('img').first().waitFor({ timeout: 60_000 });
    await page.waitForFunction(
      () => (window as unknown as { __bench: { firstThumb: number } }).__bench.firstThumb > 0,
      undefined,
      {
        timeout: 120_000,
      },
    );
    const firstPaint = await page.evaluate(() => {
      const mark = performance.getEntriesByName('library-first-grid-paint')[0];
      const bench = (window as unknown as { __bench: { firstThumb: number } }).__bench;
      return { gridMs: mark?.startTime ?? Number.NaN, thumbMs: bench.firstThumb };
    });
    await screenshot(page, 'bench-ui-100k-grid');
    const shown = await page.getByText(`${ROWS.toLocaleString('en-US')} images`).count();

    const scrollFrom = await page.evaluate(() => performance.now());
    const box = await grid.boundingBox();
    if (!box) throw new Error('the grid has no box');
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    const wheelStarted = performance.now();
    for (let i = 0; i < WHEEL_STEPS; i++) await page.mouse.wheel(0, WHEEL_DELTA);
    const wheelSeconds = (performance.now() - wheelStarted) / 1000;

    const jumps: Row[] = [];
    /** Page-clock start of each phase, so long tasks can be told apart by what the user was doing. */
    const phases: { name: string; at: number }[] = [{ name: 'wheel', at: scrollFrom }];
    for (const fraction of [0.25, 0.5, 0.75, 1]) {
      phases.push({ name: `jump ${fraction * 100}%`, at: await page.evaluate(() => performance.now()) });
      const started = performance.now();
      await grid.evaluate((element, f) => {
        element.scrollTop = f * (element.scrollHeight - element.clientHeight);
      }, fraction);
      // Filled: every cell on screen has its item (no loading placeholders) and a thumbnail decoded.
      await page.waitForFunction(
        () => {
          const scroller = document.querySelector('[aria-label="Library"]');
          if (!scroller || scroller.querySelector('.cell-loading')) return false;
          const images = [...scroller.querySelectorAll('img')];
          return images.some((img) => img.complete && img.naturalWidth > 0);
        },
        undefined,
        { timeout: 120_000 },
      );
      jumps.push({ jump: `${fraction * 100}%`, filledMs: Math.round(performance.now() - started) });
    }

    const probe = await page.evaluate((from) => {
      const bench = (
        window as unknown as {
          __bench: { longTasks: { start: number; duration: number }[]; frames: number[] };
        }
      ).__bench;
      const frames = bench.frames.filter((time) => time >= from);
      return {
        tasks: bench.longTasks.filter((task) => task.start >= from),
        longTasks: bench.longTasks.filter((task) => task.start >= from).map((task) => task.duration),
        longTasksBeforeScroll: bench.longTasks
          .filter((task) => task.start < from)
          .map((task) => task.duration),
        frameGaps: frames.slice(1).map((time, i) => time - frames[i]!),
      };
    }, scrollFrom);

    const maxLongTask = probe.longTasks.length ? Math.max(...probe.longTasks) : 0;
    const phaseOf = (start: number) => phases.findLast((phase) => phase.at <= start)?.name ?? 'wheel';
    const longTasksByPhase = phases.map((phase) => {
      const tasks = probe.tasks
        .filter((task) => phaseOf(task.start) === phase.name)
        .map((task) => task.duration);
      return {
        phase: phase.name,
        longTasks: tasks.length,
        maxMs: tasks.length ? Math.round(Math.max(...tasks)) : 0,
      };
    });
    const summary = {
      rows: ROWS,
      totalShown: shown === 1,
      libraryBuildSeconds: Number(buildSeconds.toFixed(1)),
      firstGridPaintMs: Math.round(firstPaint.gridMs),
      firstThumbnailMs: Math.round(firstPaint.thumbMs),
      wheelSteps: WHEEL_STEPS,
      wheelPx: WHEEL_STEPS * WHEEL_DELTA,
      wheelSeconds: Number(wheelSeconds.toFixed(2)),
      scrollLongTasks: probe.longTasks.length,
      scrollMaxLongTaskMs: Math.round(maxLongTask),
      longTasksBeforeScroll: probe.longTasksBeforeScroll.map(Math.round),
      frameGapP50Ms: Number(quantile(probe.frameGaps, 0.5).toFixed(1)),
      frameGapP95Ms: Number(quantile(probe.frameGaps, 0.95).toFixed(1)),
      frameGapMaxMs: Number(Math.max(...probe.frameGaps).toFixed(1)),
      jumps,
      longTasksByPhase,
      // Long tasks are wall time: on a shared two-core machine other work inflates them, so say how busy it was.
      loadAverage1m: Number(os.loadavg()[0]!.toFixed(2)),
      passed: probe.longTasks.length === 0,
    };
    printTable([
      {
        rows: ROWS,
        'first grid paint ms': summary.firstGridPaintMs,
        'first thumb ms': summary.firstThumbnailMs,
        'scroll long tasks': summary.scrollLongTasks,
        'max long task ms': summary.scrollMaxLongTaskMs,
        'frame gap p95 ms': summary.frameGapP95Ms,
      },
    ]);
    printTable(jumps.map((jump, i) => ({ ...jump, ...longTasksByPhase[i + 1] })));
    printTable([longTasksByPhase[0]!]);
    console.log(`Results: ${writeResults('ui', summary)}`);
    if (!summary.passed) process.exitCode = 1;
  } finally {
    await browser.close();
    await studio.stop();
    if (!process.env.KEEP) fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
