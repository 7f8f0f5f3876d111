import type { ColumnMapping, RowError } from '../../shared/api/batches.ts';
import {
  getModel,
  parseModelParams,
  type FieldMeta,
  type ModelId,
  type ModelParams,
} from '../../shared/models/index.ts';
import { AppError } from '../../shared/rpc.ts';
import { isBlankRow, rowWord, type Table } from './batch-table.ts';
import { cellValue } from './cell-values.ts';

export type RowResult =
  { row: number; ok: true; params: ModelParams } | { row: number; ok: false; errors: RowError[] };

/** How the file's columns (and values fixed for every row) become one model's parameters. */
export interface RowPlan {
  model: ModelId;
  mapping: ColumnMapping;
  fixed: Record<string, string>;
}

/**
 * Checks that the plan can work at all before any row is read: the columns name parameters of the
 * model, no parameter comes from two places, and every required one comes from somewhere. Each
 * problem would otherwise be repeated on every row of the file.
 */
function checkPlan(table: Table, plan: RowPlan): Map<string, FieldMeta> {
  const spec = getModel(plan.model);
  const fields = new Map(spec.fields.map((field) => [field.name, field]));
  const problems: string[] = [];
  const source = new Map<string, string>();
  const claim = (param: string, where: string) => {
    if (!fields.has(param))
      problems.push(`${where} goes to "${param}", which is not a parameter of ${spec.label}.`);
    else if (source.has(param))
      problems.push(`${source.get(param)} and ${where} both go to ${param}: keep one.`);
    else source.set(param, where);
  };
  if (plan.mapping.length > table.headers.length) {
    problems.push(`The mapping names ${plan.mapping.length} columns; the file has ${table.headers.length}.`);
  }
  plan.mapping.forEach((param, column) => {
    if (param) claim(param, `Column "${table.headers[column] ?? column + 1}"`);
  });
  for (const param of Object.keys(plan.fixed)) claim(param, `The value fixed for every row`);
  for (const field of spec.fields) {
    if (field.required && !source.has(field.name)) {
      problems.push(
        `No column goes to ${field.name} (${field.label}), which every row needs: map a column to it.`,
      );
    }
  }
  if (problems.length > 0) {
    throw new AppError(
      'validation',
      problems.join(' '),
      problems.map((message) => ({ path: 'mapping', message })),
    );
  }
  return fields;
}

/**
 * Every row of a table checked against the model's schema through the plan, one at a time (so the
 * caller keeps only what it needs of each): the row's parameters, or its errors, each naming the row,
 * the column and what is allowed, in parseModelParams' own words. Blank rows are skipped.
 */
export function* checkRows(table: Table, plan: RowPlan): Generator<RowResult> {
  const fields = checkPlan(table, plan);
  const word = rowWord(table.format);
  const columnOf = new Map<string, number>();
  plan.mapping.forEach((param, column) => param && columnOf.set(param, column));
  const fixedValues = Object.entries(plan.fixed).map(
    ([param, text]) => [param, cellValue(fields.get(param)!, text)] as const,
  );
  const mapped = plan.mapping.flatMap((param, column) =>
    param ? [[param, column, fields.get(param)!] as const] : [],
  );
  const width = table.headers.length;

  for (const [i, cells] of table.cells.entries()) {
    const row = table.firstRow + i;
    if (isBlankRow(cells)) continue;
    const raw: ModelParams = {};
    for (const [param, value] of fixedValues) if (value !== undefined) raw[param] = value;
    for (const [param, column, field] of mapped) {
      const value = cellValue(field, cells[column] ?? '');
      if (value !== undefined) raw[param] = value;
    }
    const errors: RowError[] = [];
    for (let column = width; column < cells.length; column++) {
      if ((cells[column] ?? '').trim() === '') continue;
      errors.push({
        row,
        column,
        param: '',
        value: cells[column] ?? '',
        message: `${word} ${row}, cell ${column + 1}: is past the last named column (the header names ${width}); name its column or remove it.`,
      });
    }
    const parsed = parseModelParams(plan.model, raw);
    if (parsed.ok && errors.length === 0) {
      yield { row, ok: true, params: parsed.params };
      continue;
    }
    if (!parsed.ok) {
      for (const issue of parsed.issues) {
        const param = issue.path.split('.')[0] ?? '';
        const column = columnOf.get(param) ?? null;
        const allowed = issue.message.startsWith(`${issue.path}: `)
          ? issue.message.slice(issue.path.length + 2)
          : issue.message;
        const nested = issue.path !== param ? ` at ${issue.path}` : '';
        const where =
          column !== null
            ? `column "${table.headers[column]}" (${param}${nested})`
            : param in plan.fixed
              ? `${param}${nested} (fixed for every row)`
              : `${param || 'the row'}${nested} (no column)`;
        errors.push({
          row,
          column,
          param,
          value: column !== null ? (cells[column] ?? '') : (plan.fixed[param] ?? ''),
          message: `${word} ${row}, ${where}: ${allowed}`,
        });
      }
    }
    yield { row, ok: false, errors };
  }
}
