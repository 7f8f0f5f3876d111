import type { z } from 'zod';

export type ModelKind = 'text-to-image' | 'image-to-image';

/** How a generated form should draw a field; the form may fall back to a plain input for any hint. */
export type WidgetHint =
  | 'textarea'
  | 'text'
  | 'select'
  | 'segmented'
  | 'number'
  | 'slider'
  | 'switch'
  | 'seed'
  | 'palette'
  | 'style-codes'
  | 'image'
  | 'images';

export type FieldGroup = 'Prompt' | 'Source' | 'Size' | 'Style' | 'Colour' | 'Output' | 'Advanced';

export interface FieldOption {
  value: string;
  label: string;
}

/**
 * How a model's API says "pick a seed for me", and the range of a chosen one. The app never sends the
 * random form: it draws a seed in the range itself, so every stored image has its real seed.
 */
export interface SeedRule {
  min: number;
  max: number;
  /** 'omit': leave the key out (ideogram-3); a number: send that value (ideogram-4's -1). */
  random: 'omit' | number;
}

/**
 * What a model file says about each parameter, through zod 4's `.meta()` on the field's schema.
 * `title` and `description` (JSON Schema's own words) are the label and the help text.
 */
export interface ParamMeta {
  group: FieldGroup;
  widget: WidgetHint;
  placeholder?: string;
  /** Display labels for an enum's values; a value without one is shown as it is. */
  optionLabels?: Record<string, string>;
  step?: number;
  /** Another field that must stay empty when this one is set (the API refuses both). */
  exclusiveWith?: string;
  seed?: SeedRule;
  /** The parameter holds image references: one, or a list. */
  image?: 'one' | 'list';
  /** The parameter sets how many images one request makes (and is paid for). */
  imageCount?: true;
  /** The parameter the price per image depends on (the rendering speed). */
  priceTier?: true;
}

declare module 'zod/v4/core' {
  // Typed keys for `.meta()`; every key is optional because zod's global registry is shared.
  interface GlobalMeta extends Partial<ParamMeta> {}
}

/** A form field as the form draws it: the schema's metadata, with bounds and defaults read from the schema. */
export interface FieldMeta {
  /** The parameter's key in the request body. */
  name: string;
  label: string;
  help: string;
  group: FieldGroup;
  widget: WidgetHint;
  required: boolean;
  default?: unknown;
  options?: FieldOption[];
  min?: number;
  max?: number;
  step?: number;
  placeholder?: string;
  exclusiveWith?: string;
  seed?: SeedRule;
  image?: 'one' | 'list';
}

export interface ImageSize {
  width: number;
  height: number;
}

export type ModelParams = Record<string, unknown>;

export interface ModelSpec {
  id: string;
  /** The Segmind path segment: POST /v1/{slug}, /v2/{slug}. */
  slug: string;
  label: string;
  tagline: string;
  kind: ModelKind;
  /** Every parameter, in display order, each with its `.meta()`; cross-field rules are refinements. */
  schema: z.ZodObject;
  /** The form's view of `schema`, derived from it (see form-fields.ts), never written by hand. */
  fields: FieldMeta[];
  /** Defaults that depend on other fields (zod defaults cannot), applied after a successful parse. */
  finalize?: (params: ModelParams) => ModelParams;
  /** Typical wall time in seconds, from the model page, scaled by rendering speed. */
  expectedSeconds(params: ModelParams): number;
  /** Images one request makes (and is paid for): read from the parameter whose meta says `imageCount`. */
  imageCount(params: ModelParams): number;
  outputSize(params: ModelParams): ImageSize;
}

export interface ParamIssue {
  path: string;
  message: string;
}

export type ParseResult = { ok: true; params: ModelParams } | { ok: false; issues: ParamIssue[] };
