import { parseArgs } from 'node:util';
import { faultStatuses } from './faults.ts';
import type { Faults, FaultStatus } from './faults.ts';
import { outputShapes } from './output-shapes.ts';
import type { OutputShape } from './output-shapes.ts';
import { durationModels, isDurationModelName } from './durations.ts';
import { startSimulator } from './simulator.ts';

const usage = `Usage: npm run simulator -- [--port N] [--host H] [--time-scale X] [--key K] [--credits USD] [--free-credits USD]
  [--shape ${outputShapes.join('|')}] [--rate N/ms] [--retention-ms N] [--durations ${Object.keys(durationModels).join('|')}]
  [--fault-400 .. --fault-504 P] [--drop P] [--truncate P] [--slow-body-ms N] [--malformed-json P]
  [--misspell P] [--hard-text P]   share of images whose quoted text is misspelled / hard to read
  [--misspell-first K]             misspell every image of the first K requests of each prompt`;

function number(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) && value !== 'Infinity') throw new Error(`--${name} must be a number`);
  return n;
}

const faultOptions = Object.fromEntries(
  faultStatuses.map((code) => [`fault-${code}`, { type: 'string' as const }]),
);
const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    host: { type: 'string', default: '127.0.0.1' },
    'time-scale': { type: 'string' },
    key: { type: 'string' },
    credits: { type: 'string' },
    'free-credits': { type: 'string' },
    shape: { type: 'string' },
    rate: { type: 'string' },
    'retention-ms': { type: 'string' },
    durations: { type: 'string' },
    drop: { type: 'string' },
    truncate: { type: 'string' },
    'slow-body-ms': { type: 'string' },
    'malformed-json': { type: 'string' },
    misspell: { type: 'string' },
    'hard-text': { type: 'string' },
    'misspell-first': { type: 'string' },
    help: { type: 'boolean', short: 'h' },
    ...faultOptions,
  },
});
const args = values as Record<string, string | boolean | undefined>;
const text = (name: string): string | undefined =>
  typeof args[name] === 'string' ? (args[name] as string) : undefined;

if (args.help) {
  process.stdout.write(`${usage}\n`);
  process.exit(0);
}

const statusRates: Partial<Record<FaultStatus, number>> = {};
for (const code of faultStatuses) {
  const rate = number(text(`fault-${code}`), `fault-${code}`);
  if (rate !== undefined) statusRates[code] = rate;
}
const faults: Faults = { statusRates };
const drop = number(text('drop'), 'drop');
const truncate = number(text('truncate'), 'truncate');
const slow = number(text('slow-body-ms'), 'slow-body-ms');
const malformed = number(text('malformed-json'), 'malformed-json');
if (drop !== undefined) faults.dropRate = drop;
if (truncate !== undefined) faults.truncateRate = truncate;
if (slow !== undefined) faults.slowBodyMs = slow;
if (malformed !== undefined) faults.malformedJsonRate = malformed;

const shape = text('shape');
if (shape !== undefined && !(outputShapes as readonly string[]).includes(shape)) {
  process.stderr.write(`--shape must be one of ${outputShapes.join(', ')}\n${usage}\n`);
  process.exit(2);
}
const rate = text('rate');
const rateMatch = rate === undefined ? null : /^(\d+)\/(\d+)$/.exec(rate);
if (rate !== undefined && !rateMatch) {
  process.stderr.write(`--rate must look like 10/60000 (requests per window in ms)\n${usage}\n`);
  process.exit(2);
}

const durations = text('durations') ?? 'realistic';
if (!isDurationModelName(durations)) {
  process.stderr.write(`--durations must be one of ${Object.keys(durationModels).join(', ')}\n${usage}\n`);
  process.exit(2);
}

const simulator = await startSimulator({
  durations: durationModels[durations],
  port: number(text('port'), 'port') ?? 0,
  host: text('host') ?? '127.0.0.1',
  apiKey: text('key') ?? null,
  timeScale: number(text('time-scale'), 'time-scale') ?? 1,
  credits: number(text('credits'), 'credits') ?? 100,
  freeCredits: number(text('free-credits'), 'free-credits') ?? 0,
  rateLimit: rateMatch ? { requests: Number(rateMatch[1]), windowMs: Number(rateMatch[2]) } : null,
  retentionMs: number(text('retention-ms'), 'retention-ms') ?? 3_600_000,
  outputShape: (shape as OutputShape | undefined) ?? 'url',
  faults,
  textFaults: {
    misspellRate: number(text('misspell'), 'misspell') ?? 0,
    hardTextRate: number(text('hard-text'), 'hard-text') ?? 0,
    misspellFirst: number(text('misspell-first'), 'misspell-first') ?? 0,
  },
});
process.stdout.write(`${simulator.url}\n`);

const stop = () => {
  simulator.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
