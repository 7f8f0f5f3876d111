import { parseArgs, type ParseArgsConfig } from 'node:util';

type Options = NonNullable<ParseArgsConfig['options']>;

const worldOptions = {
  data: { type: 'string' },
  url: { type: 'string' },
  scale: { type: 'string', default: '1' },
  epoch: { type: 'string' },
} as const satisfies Options;

/**
 * The arguments every crash-test child takes (its data folder, the simulator's URL, the time scale
 * and the shared epoch) plus its own; without the first ones it prints `usage` and exits 2.
 */
export interface ChildArgs {
  data: string;
  url: string;
  scale: number;
  epoch: number;
  /** The caller's own options, by name. */
  [extra: string]: string | number | boolean | undefined;
}

export function childArgs(extra: Options, usage: string): ChildArgs {
  // The extras are the caller's own and read by name there; parseArgs still refuses unknown ones.
  const { values } = parseArgs({ options: { ...worldOptions, ...extra } }) as {
    values: Record<string, string | boolean | undefined>;
  };
  const { data, url, scale, epoch } = values;
  if (typeof data !== 'string' || typeof url !== 'string' || typeof epoch !== 'string') {
    console.error(`usage: ${usage}`);
    process.exit(2);
  }
  return { ...values, data, url, scale: Number(scale), epoch: Number(epoch) };
}
