import type { RowFormatter } from './row-writer.js';

/** A JSON array out, written row by row (`[` first, `]` at the end), one row per line: never held whole in memory. */
export function jsonArrayFormatter(): RowFormatter {
  let rows = 0;
  return {
    header: () => '[',
    row: (row) => `${rows++ === 0 ? '\n' : ',\n'}${JSON.stringify(row)}`,
    footer: () => (rows === 0 ? ']\n' : '\n]\n'),
  };
}
