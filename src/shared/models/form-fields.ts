import { z } from 'zod';
import type { FieldMeta, ParamMeta } from './model-spec.ts';

interface JsonField {
  default?: unknown;
  enum?: unknown[];
  minimum?: number;
  maximum?: number;
}

/**
 * The form's fields, read from a model's schema alone: label, help and widget from each field's
 * `.meta()`, defaults, enum values and numeric bounds from the schema itself (through zod's JSON Schema
 * view, which sees `.default()`, `.min()` and `.max()`), so nothing is stated twice.
 */
export function formFieldsOf(schema: z.ZodObject): FieldMeta[] {
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as {
    properties?: Record<string, JsonField>;
    required?: string[];
  };
  const required = new Set(json.required ?? []);
  return Object.entries(schema.shape).map(([name, field]) => {
    const meta = (field as z.ZodType).meta() as
      (Partial<ParamMeta> & { title?: string; description?: string }) | undefined;
    if (!meta?.title || !meta.description || !meta.group || !meta.widget) {
      throw new Error(`${name}: every parameter needs .meta() with title, description, group and widget`);
    }
    const js = json.properties?.[name] ?? {};
    const out: FieldMeta = {
      name,
      label: meta.title,
      help: meta.description,
      group: meta.group,
      widget: meta.widget,
      required: required.has(name),
    };
    if (js.default !== undefined) out.default = js.default;
    if (js.enum) {
      out.options = js.enum
        .map(String)
        .map((value) => ({ value, label: meta.optionLabels?.[value] ?? value }));
    }
    const min = meta.seed?.min ?? js.minimum;
    const max = meta.seed?.max ?? js.maximum;
    if (min !== undefined) out.min = min;
    if (max !== undefined) out.max = max;
    if (meta.step !== undefined) out.step = meta.step;
    if (meta.placeholder !== undefined) out.placeholder = meta.placeholder;
    if (meta.exclusiveWith !== undefined) out.exclusiveWith = meta.exclusiveWith;
    if (meta.seed) out.seed = meta.seed;
    if (meta.image) out.image = meta.image;
    return out;
  });
}

type ParamWith<K extends keyof ParamMeta> = { name: string; meta: ParamMeta[K] & {}; schema: z.ZodType };

/**
 * Answers of paramWith per schema. The engine, the pricing and the batch queue ask it for every job,
 * and zod's .meta() rebuilds each field's metadata along its parent chain on every call: a third of
 * the time of queueing a 10,000-row file went here (bench:batch). Schemas are built once at import
 * and never re-registered, so an answer stays true.
 */
const found = new WeakMap<z.ZodObject, Map<keyof ParamMeta, ParamWith<keyof ParamMeta> | undefined>>();

/** The first field whose metadata carries `key` (e.g. the seed, the image count, the price tier). */
export function paramWith<K extends keyof ParamMeta>(schema: z.ZodObject, key: K): ParamWith<K> | undefined {
  let answers = found.get(schema);
  if (!answers) found.set(schema, (answers = new Map()));
  if (answers.has(key)) return answers.get(key) as ParamWith<K> | undefined;
  let answer: ParamWith<K> | undefined;
  for (const [name, field] of Object.entries(schema.shape)) {
    const value = (field as z.ZodType).meta()?.[key];
    if (value !== undefined) {
      answer = { name, meta: value as ParamMeta[K] & {}, schema: field as z.ZodType };
      break;
    }
  }
  answers.set(key, answer);
  return answer;
}
