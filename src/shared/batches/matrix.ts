import { getModel, parseModelParams, type ModelId, type ModelParams } from '../models/index.ts';
import { estimateAll, type PriceTable } from '../pricing.ts';

/** A value on an axis, as a form field holds it. */
export type AxisValue = string | number | boolean;

/** One varied parameter of a matrix and the values it takes. */
export interface MatrixAxis {
  param: string;
  values: AxisValue[];
}

/** An axis as the grid lays it out: `key` is the parameter, or `prompt#n` for the prompt's n-th {a|b} choice. */
export interface AxisInfo {
  key: string;
  param: string;
  label: string;
  values: AxisValue[];
}

export interface MatrixCell {
  index: number;
  /** The index of this cell's value on each axis. */
  coords: number[];
  params: ModelParams;
}

export interface MatrixIssue {
  /** The axis values of the first cell that showed it, e.g. "style_type REALISTIC · seed 12". */
  where: string;
  message: string;
}

export interface Matrix {
  axes: AxisInfo[];
  cells: MatrixCell[];
  issues: MatrixIssue[];
}

export const matrixLimits = { maxAxes: 3, maxValues: 50, maxCells: 1000 } as const;

/** `{red|blue|gold}` in a prompt: at least two choices, no nested braces. */
const CHOICE = /\{([^{}|]*(?:\|[^{}|]*)+)\}/g;

/** The prompt's {a|b} groups, in order, each with its choices. */
export function promptChoices(prompt: string): string[][] {
  return [...prompt.matchAll(CHOICE)].map((match) => (match[1] ?? '').split('|'));
}

/** The prompt with its n-th group replaced by choice picks[n]. */
export function withChoices(prompt: string, picks: readonly string[]): string {
  let n = 0;
  return prompt.replace(CHOICE, (whole) => picks[n++] ?? whole);
}

function labelOf(model: ModelId, param: string): string {
  return getModel(model).fields.find((field) => field.name === param)?.label ?? param;
}

/**
 * The cells of a matrix: every combination of the axes' values (the first axis varies slowest), each
 * the form's parameters with the cell's values put in and parsed by the model's schema, as the page
 * prices them and main queues them: both call this, so the price shown is the price of what is sent.
 * A value that clears a field the API refuses alongside it (an aspect ratio clears the resolution)
 * takes that field out of the cell, as the form itself does.
 */
export function expandMatrix(model: ModelId, base: ModelParams, axes: readonly MatrixAxis[]): Matrix {
  const spec = getModel(model);
  const issues: MatrixIssue[] = [];
  const fields = new Map(spec.fields.map((field) => [field.name, field]));
  const prompt = typeof base.prompt === 'string' ? base.prompt : '';
  const choices = axes.some((axis) => axis.param === 'prompt') ? [] : promptChoices(prompt);
  const infos: AxisInfo[] = [
    ...axes.map((axis) => ({
      key: axis.param,
      param: axis.param,
      label: labelOf(model, axis.param),
      values: axis.values,
    })),
    ...choices.map((values, i) => ({
      key: `prompt#${i + 1}`,
      param: 'prompt',
      label: choices.length === 1 ? 'Prompt choice' : `Prompt choice ${i + 1}`,
      values,
    })),
  ];
  const fail = (message: string): Matrix => ({
    axes: infos,
    cells: [],
    issues: [{ where: 'matrix', message }],
  });
  if (infos.length === 0)
    return fail('Pick at least one parameter to vary, or write choices in the prompt like {red|blue}.');
  if (infos.length > matrixLimits.maxAxes) {
    return fail(
      `A matrix varies at most ${matrixLimits.maxAxes} things at once (this one has ${infos.length}, prompt choices included).`,
    );
  }
  const seen = new Set<string>();
  for (const axis of axes) {
    if (!fields.has(axis.param)) return fail(`${axis.param}: is not a parameter of ${spec.label}.`);
    if (seen.has(axis.param)) return fail(`${axis.param}: is varied twice; list its values once.`);
    seen.add(axis.param);
    if (axis.values.length === 0) return fail(`${axis.param}: give it at least one value.`);
    if (axis.values.length > matrixLimits.maxValues) {
      return fail(`${axis.param}: at most ${matrixLimits.maxValues} values (it has ${axis.values.length}).`);
    }
  }
  const count = infos.reduce((n, axis) => n * axis.values.length, 1);
  if (count > matrixLimits.maxCells) {
    return fail(
      `That is ${count} images' worth of jobs; a matrix makes at most ${matrixLimits.maxCells}. Use a file for more.`,
    );
  }

  const cells: MatrixCell[] = [];
  const reported = new Set<string>();
  for (let index = 0; index < count; index++) {
    const coords: number[] = [];
    let rest = index;
    for (let a = infos.length - 1; a >= 0; a--) {
      const size = infos[a]!.values.length;
      coords[a] = rest % size;
      rest = Math.floor(rest / size);
    }
    const raw: ModelParams = { ...base };
    const picks: string[] = [];
    infos.forEach((axis, a) => {
      const value = axis.values[coords[a]!]!;
      if (axis.key.startsWith('prompt#')) {
        picks.push(String(value));
        return;
      }
      raw[axis.param] = value;
      const other = fields.get(axis.param)?.exclusiveWith;
      if (other && !seen.has(other)) delete raw[other];
    });
    if (choices.length > 0) raw.prompt = withChoices(prompt, picks);
    const parsed = parseModelParams(model, raw);
    if (!parsed.ok) {
      const where = infos.map((axis, a) => `${axis.label} ${String(axis.values[coords[a]!])}`).join(' · ');
      for (const issue of parsed.issues) {
        if (reported.has(issue.message)) continue;
        reported.add(issue.message);
        issues.push({ where, message: issue.message });
      }
      continue;
    }
    cells.push({ index, coords, params: parsed.params });
  }
  return { axes: infos, cells, issues };
}

/** What a matrix costs: the same estimate, cell by cell, that each job is queued with. */
export function matrixCost(model: ModelId, matrix: Matrix, prices?: PriceTable) {
  return estimateAll(
    matrix.cells.map((cell) => ({ model, params: cell.params })),
    prices,
  );
}
