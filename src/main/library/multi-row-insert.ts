import type Database from 'better-sqlite3';

/** Rows per statement: SQLite binds at most 32,766 values, and a few hundred rows is where the gain stops. */
const MAX_ROWS = 250;
/** Statements kept per table: the full-size one and the odd last chunks that follow it. */
const KEPT = 4;

/**
 * INSERTs many rows with one statement run per few hundred: each `run` of better-sqlite3 costs a
 * crossing into native code and a bind per named value, which was a third of queueing a 10,000-row
 * batch (bench:batch). `columns` are identifiers from our own code, never user input; each row
 * gives its values in that order, every one bound.
 */
export function multiRowInsert(db: Database.Database, table: string, columns: readonly string[]) {
  const tuple = `(${columns.map(() => '?').join(', ')})`;
  const statements = new Map<number, Database.Statement>();

  function statementFor(rows: number): Database.Statement {
    let statement = statements.get(rows);
    if (!statement) {
      if (statements.size >= KEPT) statements.delete(statements.keys().next().value!);
      statement = db.prepare(
        `INSERT INTO ${table} (${columns.join(', ')}) VALUES ${Array(rows).fill(tuple).join(', ')}`,
      );
      statements.set(rows, statement);
    }
    return statement;
  }

  return <T>(rows: readonly T[], values: (row: T, into: unknown[]) => void): void => {
    for (let start = 0; start < rows.length; start += MAX_ROWS) {
      const end = Math.min(rows.length, start + MAX_ROWS);
      const bound: unknown[] = [];
      for (let i = start; i < end; i++) values(rows[i]!, bound);
      statementFor(end - start).run(bound);
    }
  };
}
