import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export type Row = Record<string, string | number | boolean | null>;

/** Prints rows as an aligned text table, columns in the order of the first row's keys. */
export function printTable(rows: Row[]): void {
  if (rows.length === 0) return;
  const columns = [...new Set(rows.flatMap((row) => Object.keys(row)))];
  const cell = (value: Row[string] | undefined) =>
    value === undefined || value === null
      ? ''
      : typeof value === 'number'
        ? formatNumber(value)
        : String(value);
  const widths = columns.map((c) => Math.max(c.length, ...rows.map((row) => cell(row[c]).length)));
  const line = (values: string[]) =>
    values
      .map((v, i) => v.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  console.log(line(columns));
  console.log(line(widths.map((w) => '-'.repeat(w))));
  for (const row of rows) console.log(line(columns.map((c) => cell(row[c]))));
}

function formatNumber(value: number): string {
  if (Number.isInteger(value)) return String(value);
  return Math.abs(value) >= 100
    ? value.toFixed(0)
    : Math.abs(value) >= 10
      ? value.toFixed(1)
      : value.toFixed(2);
}

/** Writes bench/results/<name>.json with the machine it ran on, so numbers are read in context. */
export function writeResults(name: string, data: unknown): string {
  const dir = path.join(import.meta.dirname, 'results');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name}.json`);
  const machine = {
    node: process.version,
    platform: process.platform,
    cpus: os.availableParallelism(),
    memoryGb: Math.round(os.totalmem() / 2 ** 30),
  };
  fs.writeFileSync(
    file,
    JSON.stringify({ name, ranAt: new Date().toISOString(), machine, data }, null, 2) + '\n',
  );
  return file;
}

/** The q-quantile (0..1) of a list of numbers, nearest rank. */
export function quantile(values: number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}
