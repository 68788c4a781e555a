import type { Readable } from 'node:stream';
import { parse, type InfoField, type Options, type Parser } from 'csv-parse';
import { MalformedInput } from '../../pipeline.js';
import type { ColumnDescription } from '../../schema-registry.js';

/**
 * CSV in, with csv-parse, streamed record by record. The header row names the columns; a UTF-8 BOM is dropped;
 * blank lines are skipped.
 *
 * Cells are text; they are typed by the connector's input columns so a CSV row validates like its JSON twin:
 * - an **unquoted empty cell is null** and a quoted empty cell (`""`) is the empty string — the PostgreSQL COPY
 *   convention, the only way CSV tells the two apart. The CSV writer writes them the same way, so CSV out → CSV in
 *   gives the same rows. (A null Identifier is then reported by the input validation as "does not allow null".)
 * - Integer / Decimal columns: a number when the cell is one, else the text (the validation names the column);
 *   Boolean columns: `true` / `false`; JSON columns: the cell parsed as JSON when it is JSON, else the text.
 * - every other cell, and every column the schema does not name, stays text.
 *
 * A record csv-parse cannot read (a stray quote, a wrong number of fields) becomes a MalformedInput naming its line,
 * and the reading goes on with the next record.
 */
export async function* readCsv(stream: Readable, columns: readonly ColumnDescription[]): AsyncGenerator<unknown> {
  const types = new Map(columns.map((column) => [column.name, column.dataType]));
  // The parser's own 'skip' hook runs while it parses, between the records before and after the bad one, so
  // pushing the marker from there keeps it in input order.
  let parser: Parser | undefined;
  const options: Options = {
    bom: true,
    columns: true,
    skip_empty_lines: true,
    skip_records_with_error: true,
    on_skip: (error) => {
      const line = typeof error?.lines === 'number' ? error.lines : undefined;
      parser?.push(new MalformedInput(`not valid CSV: ${error?.message ?? 'unreadable record'}`, line));
      return undefined;
    },
    cast: (value: string, context: InfoField): unknown => (context.header ? value : castCell(value, context.quoting, types.get(String(context.column)))),
  };
  parser = stream.pipe(parse(options));
  // The pipe does not forward a read error of the source; without this the iteration would wait forever.
  stream.once('error', (error) => parser?.destroy(error));
  try {
    for await (const record of parser) yield record as unknown;
  } finally {
    stream.destroy();
  }
}

export function castCell(value: string, quoted: boolean, dataType: string | undefined): unknown {
  if (value === '') return quoted ? '' : null;
  switch (dataType) {
    case 'Integer':
    case 'Decimal': {
      const number = Number(value);
      return value.trim() !== '' && Number.isFinite(number) ? number : value;
    }
    case 'Boolean':
      return value === 'true' ? true : value === 'false' ? false : value;
    case 'JSON':
    case 'JSON v1.0.0':
      try {
        return JSON.parse(value) as unknown;
      } catch {
        return value;
      }
    default:
      return value;
  }
}
