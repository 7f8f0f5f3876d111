import type { z } from 'zod';

/**
 * Reading zod 4 schemas from their definitions (`_zod.def`, the shape zod documents for library
 * authors), for tests that derive inputs from the contract or check what it accepts. Only the input
 * side matters here: a pipe is read from what goes in.
 */

export interface Def {
  type: string;
  [key: string]: unknown;
}

export interface CheckDef {
  check: string;
  [key: string]: unknown;
}

export type Schema = z.ZodType;

export function defOf(schema: Schema): Def {
  return (schema as unknown as { _zod: { def: Def } })._zod.def;
}

export function checksOf(schema: Schema): CheckDef[] {
  const checks = (defOf(schema).checks ?? []) as { _zod: { def: CheckDef } }[];
  return checks.map((check) => check._zod.def);
}

/** Wrappers that change how a value may be absent or defaulted, not what it is. */
const wrappers = new Set(['optional', 'nullable', 'default', 'prefault', 'readonly', 'catch', 'nonoptional']);

/** The schema under optional / nullable / default / pipe wrappers. */
export function unwrap(schema: Schema): Schema {
  let current = schema;
  for (;;) {
    const def = defOf(current);
    if (wrappers.has(def.type)) current = def.innerType as Schema;
    else if (def.type === 'pipe') current = def.in as Schema;
    else return current;
  }
}

export interface Place {
  /** Field names from the root; '[]' for an array item, '{key}' and '*' for a record's keys and values. */
  path: string[];
  schema: Schema;
}

/** Every place in a schema, parents before children; union options share their parent's path. */
export function* places(schema: Schema, path: string[] = []): Generator<Place> {
  const inner = unwrap(schema);
  const def = defOf(inner);
  yield { path, schema: inner };
  switch (def.type) {
    case 'object':
      for (const [key, child] of Object.entries(def.shape as Record<string, Schema>)) {
        yield* places(child, [...path, key]);
      }
      return;
    case 'array':
      yield* places(def.element as Schema, [...path, '[]']);
      return;
    case 'record':
      yield* places(def.keyType as Schema, [...path, '{key}']);
      yield* places(def.valueType as Schema, [...path, '*']);
      return;
    case 'union':
      for (const option of def.options as Schema[]) yield* places(option, path);
      return;
    case 'tuple':
      for (const [i, item] of (def.items as Schema[]).entries()) yield* places(item, [...path, String(i)]);
      return;
    case 'intersection':
      yield* places(def.left as Schema, path);
      yield* places(def.right as Schema, path);
      return;
    default:
      return;
  }
}

/** Whether a value at this place can be a string the sender chose (a free string, or anything at all). */
export function takesFreeString(schema: Schema): boolean {
  const def = defOf(unwrap(schema));
  switch (def.type) {
    case 'string':
    case 'unknown':
    case 'any':
      return true;
    case 'array':
      return takesFreeString(def.element as Schema);
    case 'record':
      return takesFreeString(def.valueType as Schema);
    case 'union':
      return (def.options as Schema[]).some(takesFreeString);
    default:
      return false;
  }
}
