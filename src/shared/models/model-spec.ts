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
  /** Another field that must stay empty when this one is set (the API refuses both). */
  exclusiveWith?: string;
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
  /** Every parameter with its defaults; cross-field rules are refinements on the same object. */
  schema: z.ZodObject;
  /** Display order. */
  fields: FieldMeta[];
  /** Defaults that depend on other fields (zod defaults cannot), applied after a successful parse. */
  finalize?: (params: ModelParams) => ModelParams;
  /** Typical wall time in seconds, from the model page, scaled by rendering speed. */
  expectedSeconds(params: ModelParams): number;
  imageCount(params: ModelParams): number;
  outputSize(params: ModelParams): ImageSize;
}

export interface ParamIssue {
  path: string;
  message: string;
}

export type ParseResult = { ok: true; params: ModelParams } | { ok: false; issues: ParamIssue[] };
