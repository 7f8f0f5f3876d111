import fs from 'node:fs';
import path from 'node:path';
import { inspect } from 'node:util';

export type LogLevel = 'info' | 'warn' | 'error';

/**
 * What main's services log through. Injected (never imported as a global) so tests can read what was
 * logged and the composition root decides where it goes.
 */
export interface Logger {
  info(message: string, ...details: unknown[]): void;
  warn(message: string, ...details: unknown[]): void;
  error(message: string, ...details: unknown[]): void;
  /** Where the log is written, for error messages that tell the user where to look; null if nowhere. */
  readonly file: string | null;
}

export const logFileName = 'studio.log';

export interface FileLoggerOptions {
  /** The data folder: the log lives in it, beside the library. */
  dir: string;
  /** Rotated past this size; the default keeps the last few days of a busy studio. */
  maxBytes?: number;
  /** Rotated files kept next to the live one (studio.1.log is the newest). */
  keep?: number;
  /** Strings that must never reach the file (the API key): read at each write, since keys change. */
  secrets?: () => readonly (string | null | undefined)[];
  /** Also print to the console (browser mode's terminal, a developer's shell). */
  echo?: boolean;
  now?: () => number;
}

const MIN_SECRET_LENGTH = 8;

function render(details: unknown[]): string {
  return details
    .map((detail) =>
      typeof detail === 'string'
        ? detail
        : inspect(detail, { depth: 4, breakLength: Number.POSITIVE_INFINITY }),
    )
    .join(' ');
}

/**
 * A size-capped, rotating log file. Writes are synchronous on purpose: they are rare (warnings and
 * errors, a few lines a minute), and a line written before a crash or a SIGKILL is the one that
 * explains it. A write that fails (full disk, folder gone) is dropped: logging never takes the app down.
 */
export function createFileLogger(options: FileLoggerOptions): Logger {
  const file = path.join(options.dir, logFileName);
  const maxBytes = options.maxBytes ?? 2 * 1024 * 1024;
  const keep = options.keep ?? 3;
  const now = options.now ?? Date.now;
  let size: number | null = null;

  function redact(text: string): string {
    let out = text;
    for (const secret of options.secrets?.() ?? []) {
      if (secret && secret.length >= MIN_SECRET_LENGTH) out = out.split(secret).join('[redacted]');
    }
    return out;
  }

  function rotate(): void {
    const rotated = (n: number) => path.join(options.dir, `studio.${n}.log`);
    fs.rmSync(rotated(keep), { force: true });
    for (let n = keep - 1; n >= 1; n--) {
      if (fs.existsSync(rotated(n))) fs.renameSync(rotated(n), rotated(n + 1));
    }
    fs.renameSync(file, rotated(1));
    size = 0;
  }

  function write(level: LogLevel, message: string, details: unknown[]): void {
    const text = redact(details.length > 0 ? `${message} ${render(details)}` : message);
    if (options.echo) {
      const print = level === 'error' ? console.error : level === 'warn' ? console.warn : console.log;
      print(text);
    }
    const line = `${new Date(now()).toISOString()} ${level.toUpperCase()} ${text.replaceAll('\n', '\n    ')}\n`;
    try {
      fs.mkdirSync(options.dir, { recursive: true });
      size ??= fs.statSync(file, { throwIfNoEntry: false })?.size ?? 0;
      if (size > 0 && size + line.length > maxBytes) rotate();
      fs.appendFileSync(file, line);
      size += Buffer.byteLength(line);
    } catch {
      size = null;
    }
  }

  return {
    file,
    info: (message, ...details) => write('info', message, details),
    warn: (message, ...details) => write('warn', message, details),
    error: (message, ...details) => write('error', message, details),
  };
}

/** For code run outside the app (scripts, benches): prints, keeps no file. */
export const consoleLogger: Logger = {
  file: null,
  info: (message, ...details) => console.log(message, ...details),
  warn: (message, ...details) => console.warn(message, ...details),
  error: (message, ...details) => console.error(message, ...details),
};

/** Remembers what was logged, for tests that assert on it. */
export function memoryLogger(): Logger & { lines: { level: LogLevel; text: string }[] } {
  const lines: { level: LogLevel; text: string }[] = [];
  const push =
    (level: LogLevel) =>
    (message: string, ...details: unknown[]) =>
      void lines.push({ level, text: details.length > 0 ? `${message} ${render(details)}` : message });
  return { file: null, lines, info: push('info'), warn: push('warn'), error: push('error') };
}
