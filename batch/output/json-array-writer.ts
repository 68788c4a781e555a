import type { RowFormatter } from './row-writer.js';

/**
 * A JSON array out, written row by row (`[` first, `]` at the end), one row per line: never held whole in memory.
 * `rowsBefore`: rows already in a resumed output (cut back to before its `]`), so the next row starts with a comma.
 */
export function jsonArrayFormatter(rowsBefore = 0): RowFormatter {
  let rows = rowsBefore;
  return {
    header: () => '[',
    row: (row) => `${rows++ === 0 ? '\n' : ',\n'}${JSON.stringify(row)}`,
    footer: () => (rows === 0 ? ']\n' : '\n]\n'),
  };
}
