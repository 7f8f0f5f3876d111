import { z } from 'zod';
import type { SeedRule } from './model-spec.ts';

/**
 * The longest prompt (and negative prompt) the app sends. No prompt a person writes comes near it
 * (Ideogram's own examples are a few hundred characters), the prompt history keeps entries up to the
 * same length, and it bounds what one job costs to store and to stream to every window: a 10 MB prompt
 * used to be accepted, stored and sent out as 380 MB of events.
 */
export const MAX_PROMPT_CHARS = 10_000;

/** Ideogram's seed range, on every model that takes one. */
export const SEED_RANGE = { min: 100, max: 999_999 } as const;

export function oneOf(values: readonly string[]): string {
  return values.length > 20
    ? `must be one of the ${values.length} listed values, e.g. ${values.slice(0, 3).join(', ')}`
    : `must be one of ${values.join(', ')}`;
}

export function enumOf<const T extends readonly [string, ...string[]]>(values: T) {
  return z.enum(values, { error: oneOf(values) });
}

export function intRange(min: number, max: number) {
  const message = `must be an integer from ${min} to ${max}`;
  return z
    .number({ error: message })
    .int({ error: message })
    .min(min, { error: message })
    .max(max, { error: message });
}

export const titleCase = (v: string) => v.charAt(0) + v.slice(1).toLowerCase();

/** Display labels for enum values, for `optionLabels` in a field's meta. */
export function labelsFor(values: readonly string[], label: (v: string) => string): Record<string, string> {
  return Object.fromEntries(values.map((value) => [value, label(value)]));
}

/**
 * 12,345 as en-US writes it, without Intl: its first use loads ICU's data, 20-40 ms inside the
 * check of a batch file with one over-long prompt (bench:batch).
 */
const grouped = (n: number) => String(n).replace(/\B(?=(\d{3})+$)/g, ',');

function tooLong(issue: { input?: unknown }): string {
  const length = typeof issue.input === 'string' ? issue.input.length : undefined;
  const cap = grouped(MAX_PROMPT_CHARS);
  return length === undefined
    ? `must be at most ${cap} characters`
    : `must be at most ${cap} characters (this one has ${grouped(length)})`;
}

export function promptSchema() {
  return z
    .string({ error: 'is required and must be text' })
    .trim()
    .min(1, { error: 'is required' })
    .max(MAX_PROMPT_CHARS, { error: tooLong });
}

/**
 * Starts empty and is always sent, empty or not: the seed pages' "No people, ..." is a playground
 * example, and a key left out could let a server apply it.
 */
export function negativePromptSchema() {
  return z.string({ error: 'must be text' }).max(MAX_PROMPT_CHARS, { error: tooLong }).default('');
}

/**
 * A seed in Ideogram's range, or the model's own word for "random" when it has one. The rule travels in
 * the field's meta so the engine, the simulator and the form read one range.
 */
export function seedRule(random: SeedRule['random']): SeedRule {
  return { ...SEED_RANGE, random };
}

export function seedSchema(rule: SeedRule) {
  const message =
    typeof rule.random === 'number'
      ? `must be an integer from ${rule.min} to ${rule.max}, or ${rule.random} for a random one`
      : `must be an integer from ${rule.min} to ${rule.max}`;
  const seed = z
    .number({ error: message })
    .int({ error: message })
    .refine((n) => (n >= rule.min && n <= rule.max) || n === rule.random, { error: message });
  return rule.random === 'omit' ? seed.optional() : seed.default(rule.random);
}
