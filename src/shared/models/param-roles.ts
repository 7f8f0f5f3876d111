import { paramWith } from './form-fields.ts';
import type { ModelParams, ModelSpec, SeedRule } from './model-spec.ts';

/**
 * What a parameter is for, read from its `.meta()`: the seed, the image references, the image count
 * and the price tier. The engine, the client, the simulator and the form ask here instead of naming keys.
 */

export function seedParamOf(spec: ModelSpec): { name: string; rule: SeedRule } | undefined {
  const found = paramWith(spec.schema, 'seed');
  return found && { name: found.name, rule: found.meta };
}

export function isRandomSeed(rule: SeedRule, value: unknown): boolean {
  return value === undefined || value === null || value === rule.random;
}

export function drawSeed(rule: SeedRule, random: () => number): number {
  return rule.min + Math.floor(random() * (rule.max - rule.min + 1));
}

/**
 * The request as it will be sent: a "random" seed becomes one the app drew, so the stored job, the
 * request body and the library all hold the real seed and any image can be made again.
 */
export function withDrawnSeed(spec: ModelSpec, params: ModelParams, random: () => number): ModelParams {
  const seed = seedParamOf(spec);
  if (!seed || !isRandomSeed(seed.rule, params[seed.name])) return params;
  return { ...params, [seed.name]: drawSeed(seed.rule, random) };
}

/** Keys whose values are image references, and whether each holds one or a list. */
export function imageParamsOf(spec: ModelSpec): { name: string; kind: 'one' | 'list' }[] {
  return spec.fields.flatMap((field) => (field.image ? [{ name: field.name, kind: field.image }] : []));
}

/** The parameter that makes one request return several (paid) images, when the model has one. */
export function imageCountParamOf(spec: ModelSpec) {
  return paramWith(spec.schema, 'imageCount');
}

export function imageCountOf(spec: ModelSpec, params: ModelParams): number {
  const param = imageCountParamOf(spec);
  if (!param) return 1;
  const value = params[param.name];
  return typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : 1;
}

/** The value the price per image depends on (the rendering speed), defaulted as the schema defaults it. */
export function priceTierOf(spec: ModelSpec, params: ModelParams): string {
  const param = paramWith(spec.schema, 'priceTier');
  if (!param) return 'default';
  const value = params[param.name];
  if (typeof value === 'string') return value;
  const field = spec.fields.find((f) => f.name === param.name);
  return typeof field?.default === 'string' ? field.default : 'default';
}

/** Every value the price tier can take, in the schema's order. */
export function priceTiersOf(spec: ModelSpec): string[] {
  const param = paramWith(spec.schema, 'priceTier');
  const field = param && spec.fields.find((f) => f.name === param.name);
  return field?.options?.map((option) => option.value) ?? ['default'];
}
