import { stringify } from 'csv-stringify/sync';
import type { ColumnDescription } from '../../runtime/schema-registry.js';
import type { RowFormatter } from './row-writer.js';

/**
 * CSV out with csv-stringify: a header of the output schema's columns, in the schema's order; one record per row.
 * null is an empty cell and the empty string is `""` (what the CSV reader reads back the same way); JSON columns —
 * and any object or array — hold their value as JSON text; booleans are `true` / `false`.
 */
export function csvFormatter(columns: readonly ColumnDescription[]): RowFormatter {
  const names = columns.map((column) => column.name);
  const json = new Set(columns.filter((column) => column.dataType.startsWith('JSON')).map((column) => column.name));
  const cell = (name: string, value: unknown): string | number | null => {
    if (value === null || value === undefined) return null;
    if (json.has(name) || typeof value === 'object') return JSON.stringify(value);
    if (typeof value === 'number') return value;
    return String(value);
  };
  const line = (record: (string | number | null)[]): string => stringify([record], { quoted_match: /^$/ });
  return {
    header: () => line(names),
    row: (row) => line(names.map((name) => cell(name, row[name]))),
    footer: () => '',
  };
}
