import type { RowFormatter } from './row-writer.js';

/** NDJSON out: one output row per line. */
export function ndjsonFormatter(): RowFormatter {
  return { header: () => '', row: (row) => JSON.stringify(row) + '\n', footer: () => '' };
}
