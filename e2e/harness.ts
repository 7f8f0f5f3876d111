import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll } from 'vitest';
import { chromium, type Browser, type BrowserContextOptions, type Locator, type Page } from 'playwright-core';

export const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const screenshotDir = join(projectRoot, 'e2e', 'screenshots');

export interface StudioProcess {
  openUrl: string;
  origin: string;
  dataDir: string;
  output: () => string;
  stop(): Promise<void>;
}

/**
 * Starts the real browser-mode host (`src/main/web/start-web.ts`) as a child process on a free port,
 * with a fresh data folder, the way a user's `npm run start:web` does (minus the build, done once by
 * `npm run test:e2e`).
 */
export async function startStudio(
  options: {
    dataDir?: string;
    simTimeScale?: number;
    env?: Record<string, string>;
    /** Another checkout to run (a bench's baseline); this one by default. */
    root?: string;
    /** Runs the host through another command (e.g. inside a namespace): takes and returns the argv. */
    wrap?: (argv: string[]) => string[];
  } = {},
): Promise<StudioProcess> {
  const root = options.root ?? projectRoot;
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'studio-e2e-'));
  const env = { ...process.env, ...options.env };
  delete env.SEGMIND_API_KEY;
  Object.assign(env, options.env);
  const argv = [
    process.execPath,
    join(root, 'src/main/web/start-web.ts'),
    '--port',
    '0',
    '--data-dir',
    dataDir,
    '--sim-time-scale',
    String(options.simTimeScale ?? 0.05),
    // Predictable timing: the realistic demo mix has rare cold starts of minutes.
    '--sim-durations',
    'tight',
  ];
  const [command = process.execPath, ...args] = options.wrap?.(argv) ?? argv;
  const child: ChildProcess = spawn(command, args, {
    cwd: root,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const openUrl = await new Promise<string>((resolveUrl, reject) => {
    const timer = setTimeout(() => reject(new Error(`browser mode did not start:\n${output}`)), 30_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /Open (http:\/\/127\.0\.0\.1:\d+\/#token=\S+)/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolveUrl(match[1]);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`browser mode exited with ${code}:\n${output}`));
    });
  });
  return {
    openUrl,
    origin: new URL(openUrl).origin,
    dataDir,
    output: () => output,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((done) => child.once('exit', done));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

export function chromiumPath(): string {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'];
  const found = candidates.find((path): path is string => !!path && existsSync(path));
  if (!found)
    throw new Error('No Chromium found: install it (apt-get install chromium) or set CHROMIUM_PATH.');
  return found;
}

/** Debian's Chromium, headless, with the flags that keep it off a network these machines do not have. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath(),
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(screenshotDir, { recursive: true });
  const path = join(screenshotDir, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** Drops files on an element the way the desktop does: a real DataTransfer holding File objects. */
export async function dropFiles(
  target: Locator,
  files: { name: string; type: string; bytes: Buffer }[],
): Promise<void> {
  const dataTransfer = await target.page().evaluateHandle(
    (list) => {
      const transfer = new DataTransfer();
      for (const file of list) {
        const bytes = Uint8Array.from(atob(file.base64), (char) => char.charCodeAt(0));
        transfer.items.add(new File([bytes], file.name, { type: file.type }));
      }
      return transfer;
    },
    files.map((file) => ({ name: file.name, type: file.type, base64: file.bytes.toString('base64') })),
  );
  await target.dispatchEvent('dragover', { dataTransfer });
  await target.dispatchEvent('drop', { dataTransfer });
}

/** The run's token, from the fragment of the URL the studio printed. */
export function studioToken(studio: StudioProcess): string {
  return new URLSearchParams(new URL(studio.openUrl).hash.slice(1)).get('token') ?? '';
}

/**
 * Everything main tells a page: each /rpc answer it receives, and the event stream read beside it
 * with the same token. Security tests search it for secrets.
 */
export function recordTraffic(page: Page, studio: StudioProcess): { text(): string; stop(): Promise<void> } {
  const answers: string[] = [];
  page.on('response', async (response) => {
    if (new URL(response.url()).pathname.startsWith('/rpc/'))
      answers.push(await response.text().catch(() => ''));
  });
  const token = studioToken(studio);
  const controller = new AbortController();
  let events = '';
  const reading = fetch(`${studio.origin}/events`, {
    headers: { Authorization: `Bearer ${token}` },
    signal: controller.signal,
  })
    .then(async (response) => {
      const decoder = new TextDecoder();
      for await (const chunk of response.body!)
        events += decoder.decode(chunk as Uint8Array, { stream: true });
    })
    .catch(() => undefined);
  return {
    text: () => [...answers, events].join('\n'),
    async stop() {
      controller.abort();
      await reading;
    },
  };
}

/** The studio's own log and every file in its data folder, as text, for secret searches. */
export function studioTraces(studio: StudioProcess): string[] {
  const texts = [studio.output()];
  for (const entry of readdirSync(studio.dataDir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) texts.push(readFileSync(join(entry.parentPath, entry.name)).toString('latin1'));
  }
  return texts;
}

export interface ListedJob {
  model: string;
  prompt: string;
  state: string;
  params: Record<string, unknown>;
}

/**
 * A page on the studio, opened at its URL, that collects its uncaught errors (and, with
 * `consoleErrors`, what it logs as errors) for the test to expect none of.
 */
export async function openStudioPage(
  browser: Browser,
  studio: StudioProcess,
  options: BrowserContextOptions & { consoleErrors?: boolean } = {},
): Promise<{ page: Page; pageErrors: string[] }> {
  const { consoleErrors = false, ...context } = options;
  const page = await browser.newPage(context);
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  if (consoleErrors) {
    page.on('console', (message) => {
      if (message.type() === 'error') pageErrors.push(message.text());
    });
  }
  await page.goto(studio.openUrl);
  return { page, pageErrors };
}

/**
 * A browser and a studio for the tests of one describe block, started before them and stopped after:
 * `open` gives each test a page of its own at the studio (see openStudioPage).
 */
export function studioSuite(options: Parameters<typeof startStudio>[0]) {
  let browser: Browser | undefined;
  let studio: StudioProcess | undefined;
  beforeAll(async () => {
    [browser, studio] = await Promise.all([launchBrowser(), startStudio(options)]);
  });
  afterAll(async () => {
    await browser?.close();
    await studio?.stop();
  });
  return {
    open: (context: Parameters<typeof openStudioPage>[2]) => openStudioPage(browser!, studio!, context),
  };
}

/** A raw RPC from the page, as the page sends it (with the tab's token): the HTTP status and JSON body. */
export function postRpc(
  page: Page,
  method: string,
  body: string,
): Promise<{ status: number; body: unknown }> {
  return page.evaluate(
    async ({ method, body }) => {
      const response = await fetch(`/rpc/${method}`, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          Authorization: `Bearer ${sessionStorage.getItem('ideogram-studio-token')}`,
        },
        body,
      });
      return { status: response.status, body: (await response.json()) as unknown };
    },
    { method, body },
  );
}

/** An RPC's answer, through the same route the page uses. */
export async function pageRpc<T>(page: Page, method: string, input: unknown = {}): Promise<T> {
  const { body } = await postRpc(page, method, JSON.stringify(input));
  return (body as { value: T }).value;
}

/** The jobs main holds, read through the same RPC the page uses (jobs:list's input, e.g. a limit). */
export function listJobs<T extends object = ListedJob>(page: Page, input: object = {}): Promise<T[]> {
  return pageRpc<T[]>(page, 'jobs:list', input);
}

/**
 * Holds main's answers to one RPC method back, as a busy main answers late: the page goes on
 * meanwhile. release() lets them through and returns once the page has had one and run its handler.
 */
export async function holdAnswers(page: Page, method: string): Promise<{ release(): Promise<void> }> {
  const pattern = `**/rpc/${encodeURIComponent(method)}`;
  let open!: () => void;
  const released = new Promise<void>((resolve) => (open = resolve));
  await page.route(pattern, async (route) => {
    const response = await route.fetch();
    await released;
    await route.fulfill({ response });
  });
  return {
    async release() {
      const answered = page.waitForResponse(pattern);
      open();
      await answered;
      await page.unroute(pattern);
      // The page takes the answer in without another request: a moment for its handler to run.
      await page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 200)));
    },
  };
}
