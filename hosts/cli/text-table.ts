/**
 * Renders rows as aligned columns of plain text (the last column is not padded, so no trailing blanks).
 * Cells are single-line: newlines inside a cell are shown as spaces.
 */
export function textTable(header: readonly string[], rows: readonly (readonly string[])[], indent = ''): string {
  const clean = (cell: string): string => cell.replace(/\s*\n\s*/g, ' ');
  const all = [header, ...rows].map((row) => row.map(clean));
  const widths = header.map((_, column) => Math.max(...all.map((row) => (row[column] ?? '').length)));
  const line = (row: readonly string[]): string =>
    indent +
    row
      .map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(all[0] ?? []), ...all.slice(1).map(line)].join('\n') + '\n';
}
