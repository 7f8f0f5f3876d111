/**
 * The rows of a TSV as spreadsheets write them. Google Sheets and most tools write each cell as
 * typed. Excel and LibreOffice put a cell in quotes when it holds a quote, a tab or a line break, and
 * write its quotes twice: a headline typed as  A poster that says "SALE"  is saved as
 * "A poster that says ""SALE""". Read as typed, that prompt would ask Ideogram to paint the doubled
 * quotes, and a cell with a line break (Alt+Enter) would split its row in two.
 *
 * So a cell is read as quoted only when it is exactly what those exporters write: it opens with a
 * quote, closes with one right before a tab or the end of its line, and holds something that needed
 * the quoting (a doubled quote, a tab or a line break). Anything else, "SALE" or "5" inches, is kept
 * as typed, quotes and all: in an Ideogram prompt a quote marks the words to render. What stays
 * ambiguous is a typed row whose one cell opens with a quote that a later cell closes
 * ("wide<TAB>end"): it reads as one cell, as Excel would have written that cell.
 */

/** How far a quoted cell may run: past this an opening quote is just a quote (no quadratic rescans). */
const MAX_QUOTED_CHARS = 65_536;

const cellEnd = /[\t\r\n]/g;

/** The cell an exporter quoted, from its opening quote at `start`, or null if it is not one. */
function quotedCell(text: string, start: number): { value: string; end: number } | null {
  const limit = Math.min(text.length, start + MAX_QUOTED_CHARS);
  let value = '';
  let needed = false;
  let from = start + 1;
  for (;;) {
    const quote = text.indexOf('"', from);
    if (quote < 0 || quote >= limit) return null;
    const run = text.slice(from, quote);
    if (!needed && /[\t\r\n]/.test(run)) needed = true;
    value += run;
    if (text[quote + 1] === '"') {
      value += '"';
      needed = true;
      from = quote + 2;
      continue;
    }
    const after = text[quote + 1];
    if (after !== undefined && after !== '\t' && after !== '\n' && after !== '\r') return null;
    return needed ? { value, end: quote + 1 } : null;
  }
}

/**
 * Every row, empty lines included (as ['']) so that row numbers stay the spreadsheet's; a last line
 * break ends the last row rather than starting one. A turn of the loop every `rowsPerTurn` rows, so
 * a 50,000-row file does not hold main for its whole read.
 */
export async function tsvRecords(text: string, rowsPerTurn: number): Promise<string[][]> {
  const rows: string[][] = [];
  let row: string[] = [];
  let at = 0;
  for (;;) {
    const quoted = text[at] === '"' ? quotedCell(text, at) : null;
    if (quoted) {
      row.push(quoted.value);
      at = quoted.end;
    } else {
      cellEnd.lastIndex = at;
      const end = cellEnd.exec(text)?.index ?? text.length;
      row.push(text.slice(at, end));
      at = end;
    }
    if (at >= text.length) break;
    if (text[at] === '\t') {
      at++;
      continue;
    }
    at += text.startsWith('\r\n', at) ? 2 : 1;
    rows.push(row);
    row = [];
    if (at >= text.length) return rows;
    if (rows.length % rowsPerTurn === 0) await new Promise((resolve) => setImmediate(resolve));
  }
  rows.push(row);
  return rows;
}
