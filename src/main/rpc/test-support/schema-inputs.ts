import { checksOf, defOf, type Schema } from './schema-walk.ts';
import { randomValue } from './fuzz-payloads.ts';

/**
 * Valid inputs derived from a method's zod schema, and mutants of them that differ in one place, so a
 * fuzzer reaches the handlers and not only the validator. Everything is drawn from one seeded
 * generator, so a failure replays from its seed.
 */

export interface Pool {
  /** Which schemas this pool answers for (by identity or by shape). */
  matches(schema: Schema): boolean;
  draw(random: () => number): unknown;
}

export interface GenerateOptions {
  random: () => number;
  /** Values that mean something to the app under test: ids it holds, real image bytes. */
  pools?: Pool[];
}

const pick = <T>(random: () => number, items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
const between = (random: () => number, min: number, max: number) =>
  min + Math.floor(random() * (max - min + 1));
const textAlphabet = 'abcdefghij KLMNOP 0123 éß“”"\'-_.🎨';

export function generate(schema: Schema, options: GenerateOptions): unknown {
  const { random } = options;
  const pool = options.pools?.find((candidate) => candidate.matches(schema));
  if (pool) return pool.draw(random);
  const def = defOf(schema);
  const inner = def.innerType as Schema;
  switch (def.type) {
    case 'optional':
      return random() < 0.35 ? undefined : generate(inner, options);
    case 'nullable':
      return random() < 0.15 ? null : generate(inner, options);
    case 'default':
    case 'prefault':
      return random() < 0.3 ? undefined : generate(inner, options);
    case 'readonly':
    case 'catch':
    case 'nonoptional':
      return generate(inner, options);
    case 'pipe':
      return generate(def.in as Schema, options);
    case 'string':
      return stringFor(schema, random);
    case 'number':
      return numberFor(schema, random);
    case 'boolean':
      return random() < 0.5;
    case 'null':
      return null;
    case 'undefined':
    case 'never':
      // A field that must be absent (z.never(), usually optional): leaving it out is the valid value.
      return undefined;
    case 'literal':
      return pick(random, def.values as unknown[]);
    case 'enum':
      return pick(random, Object.values(def.entries as Record<string, unknown>));
    case 'object': {
      const value: Record<string, unknown> = {};
      for (const [key, child] of Object.entries(def.shape as Record<string, Schema>)) {
        const field = generate(child, options);
        if (field !== undefined) value[key] = field;
      }
      return value;
    }
    case 'array': {
      const { min, max } = lengthBounds(schema, 0, 3);
      return Array.from({ length: between(random, min, Math.min(max, min + 3)) }, () =>
        generate(def.element as Schema, options),
      );
    }
    case 'record': {
      const value: Record<string, unknown> = {};
      for (let i = between(random, 0, 2); i > 0; i--) {
        value[String(generate(def.keyType as Schema, options))] = generate(def.valueType as Schema, options);
      }
      return value;
    }
    case 'union':
      return generate(pick(random, def.options as Schema[]), options);
    case 'tuple':
      return (def.items as Schema[]).map((item) => generate(item, options));
    case 'intersection':
      return {
        ...(generate(def.left as Schema, options) as object),
        ...(generate(def.right as Schema, options) as object),
      };
    case 'custom': {
      const maxBytes = (schema.meta()?.maxBytes as number | undefined) ?? 0;
      if (maxBytes > 0)
        return Uint8Array.from({ length: between(random, 1, Math.min(maxBytes, 512)) }, () =>
          between(random, 0, 255),
        );
      return undefined;
    }
    case 'unknown':
    case 'any':
      return pick(random, [null, 1, 'text', true, {}, [], { nested: [1, 'two'] }]);
    default:
      throw new Error(`schema-inputs: no generator for zod type "${def.type}"`);
  }
}

/** A value the schema accepts, drawn up to `tries` times (refinements reject some draws), or null. */
export function validInput(schema: Schema, options: GenerateOptions, tries = 40): { value: unknown } | null {
  for (let i = 0; i < tries; i++) {
    const value = generate(schema, options);
    if (schema.safeParse(value).success) return { value };
  }
  return null;
}

function lengthBounds(schema: Schema, min: number, spread: number) {
  let low = min;
  let high = Number.POSITIVE_INFINITY;
  for (const check of checksOf(schema)) {
    if (check.check === 'min_length') low = check.minimum as number;
    if (check.check === 'max_length') high = check.maximum as number;
    if (check.check === 'length_equals') low = high = check.length as number;
  }
  return { min: low, max: Number.isFinite(high) ? high : low + spread };
}

function stringFor(schema: Schema, random: () => number): string {
  const def = defOf(schema);
  if (def.format === 'url') return `https://example.com/${between(random, 0, 1e6)}`;
  const pattern = checksOf(schema).find((check) => check.format === 'regex')?.pattern as RegExp | undefined;
  // A pattern that only refuses characters ([^...]) says nothing to build from: free text is drawn
  // and the schema itself judges it.
  if (pattern && !pattern.source.includes('[^')) return sampleRegex(pattern, random);
  const { min, max } = lengthBounds(schema, 0, 24);
  // Now and then exactly as long as allowed: the boundary is where off-by-ones live.
  const length = random() < 0.1 ? Math.min(max, 20_000) : between(random, min, Math.min(max, min + 24));
  const chars = Array.from(textAlphabet);
  let text = '';
  while (text.length < length) text += pick(random, chars);
  return text.slice(0, length);
}

function numberFor(schema: Schema, random: () => number): number {
  let min = -1000;
  let max = 1000;
  let integer = false;
  let step = 0;
  for (const check of checksOf(schema)) {
    if (check.check === 'greater_than') min = (check.value as number) + (check.inclusive ? 0 : 1e-6);
    if (check.check === 'less_than') max = (check.value as number) - (check.inclusive ? 0 : 1e-6);
    if (check.check === 'number_format' && /int/.test(String(check.format))) integer = true;
    if (check.check === 'multiple_of') step = check.value as number;
  }
  if (max - min > 1e9) max = min + 1e9;
  if (integer) {
    min = Math.ceil(min);
    max = Math.floor(max);
  }
  const edge = random();
  let value = edge < 0.1 ? min : edge < 0.2 ? max : min + random() * (max - min);
  if (integer) value = Math.round(value);
  if (step) value = Math.round(value / step) * step;
  return value;
}

/**
 * A string matching a regular expression of the kind our schemas use: anchors, literals, escapes,
 * [classes] with ranges, (groups|alternatives) and ?, *, +, {n}, {n,m}. Anything fancier throws, so a
 * schema that outgrows it says so instead of fuzzing with junk.
 */
export function sampleRegex(pattern: RegExp, random: () => number): string {
  const source = pattern.source;
  let at = 0;

  function sequence(): string[][] {
    const alternatives: string[][] = [[]];
    while (at < source.length && source[at] !== ')') {
      if (source[at] === '|') {
        at++;
        alternatives.push([]);
        continue;
      }
      const atom = parseAtom();
      const [low, high] = quantifier();
      const count = between(random, low, high);
      const current = alternatives.at(-1)!;
      for (let i = 0; i < count; i++) current.push(atom());
    }
    return alternatives;
  }

  function parseAtom(): () => string {
    const char = source[at++]!;
    if (char === '^' || char === '$') return () => '';
    if (char === '(') {
      if (source[at] === '?') {
        if (source[at + 1] !== ':') throw new Error(`sampleRegex: unsupported group in /${source}/`);
        at += 2;
      }
      const start = at;
      sequence();
      const end = at++;
      const inner = new RegExp(source.slice(start, end));
      return () => sampleRegex(inner, random);
    }
    if (char === '[') return characterClass();
    if (char === '\\') return escape(source[at++]!);
    if (char === '.') return () => pick(random, Array.from('abcXYZ019'));
    return () => char;
  }

  function escape(char: string): () => string {
    const classes: Record<string, string> = { d: '0123456789', w: 'abcXYZ019_', s: ' ' };
    const set = classes[char];
    return set ? () => pick(random, Array.from(set)) : () => char;
  }

  function characterClass(): () => string {
    if (source[at] === '^') throw new Error(`sampleRegex: negated class in /${source}/`);
    const chars: string[] = [];
    while (source[at] !== ']') {
      let char = source[at++]!;
      if (char === '\\') char = source[at++]!;
      if (source[at] === '-' && source[at + 1] !== ']') {
        const last = source[at + 1] === '\\' ? source[at + 2]! : source[at + 1]!;
        at += source[at + 1] === '\\' ? 3 : 2;
        for (let code = char.charCodeAt(0); code <= last.charCodeAt(0); code++)
          chars.push(String.fromCharCode(code));
      } else {
        chars.push(char);
      }
    }
    at++;
    return () => pick(random, chars);
  }

  function quantifier(): [number, number] {
    const char = source[at];
    if (char === '?') return (at++, [0, 1]);
    if (char === '*') return (at++, [0, 4]);
    if (char === '+') return (at++, [1, 4]);
    if (char === '{') {
      const end = source.indexOf('}', at);
      const [low, high] = source.slice(at + 1, end).split(',');
      at = end + 1;
      const min = Number(low);
      return [min, high === undefined ? min : high === '' ? min + 4 : Number(high)];
    }
    return [1, 1];
  }

  const alternatives = sequence();
  return pick(random, alternatives).join('');
}

/** Every place in a value (objects and arrays walked), as the keys that lead there. */
function placesIn(value: unknown, path: (string | number)[] = []): (string | number)[][] {
  const found: (string | number)[][] = [path];
  if (value instanceof Uint8Array || value === null || typeof value !== 'object') return found;
  for (const [key, child] of Object.entries(value)) {
    found.push(...placesIn(child, [...path, Array.isArray(value) ? Number(key) : key]));
  }
  return found;
}

/**
 * The value with one place changed: replaced by something hostile (`extra` strings join the usual
 * ones), removed, or given a key its schema does not have. A copy; the original is untouched.
 */
export function mutateOnePlace(
  value: unknown,
  random: () => number,
  extra: readonly string[] = [],
): { value: unknown; where: string } {
  const copy = structuredClone(value);
  const where = pick(random, placesIn(copy));
  const label = where.join('.') || '(input)';
  const hostile = () => (extra.length > 0 && random() < 0.3 ? pick(random, extra) : randomValue(random));
  if (where.length === 0) return { value: hostile(), where: label };
  const parent = where
    .slice(0, -1)
    .reduce<Record<string | number, unknown>>(
      (node, key) => node[key] as Record<string | number, unknown>,
      copy as Record<string | number, unknown>,
    );
  const key = where.at(-1)!;
  const kind = random();
  if (kind < 0.7) parent[key] = hostile();
  else if (kind < 0.85 && !Array.isArray(parent)) delete parent[key];
  else
    Object.defineProperty(parent, pick(random, ['__proto__', 'constructor', 'unexpected']), {
      value: hostile(),
      enumerable: true,
      configurable: true,
      writable: true,
    });
  return { value: copy, where: label };
}
