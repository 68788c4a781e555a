import type { Readable } from 'node:stream';
import { parse, type InfoField, type Options, type Parser } from 'csv-parse';
import { MalformedInput } from '../../runtime/pipeline.js';
import type { ColumnDescription } from '../../runtime/schema-registry.js';

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
 * A record csv-parse cannot read (a stray quote, a wrong number of fields) becomes one MalformedInput naming its
 * line, and the reading goes on with the next record. A quoted field that never closes swallows the rest of the
 * input: that throws, so the run fails as "input failed" (307) after the rows before it.
 */
export async function* readCsv(stream: Readable, columns: readonly ColumnDescription[]): AsyncGenerator<unknown> {
  const types = new Map(columns.map((column) => [column.name, column.dataType]));
  // The parser's own 'skip' hook runs while it parses, between the records before and after the bad one, so
  // pushing the marker from there keeps it in input order.
  let parser: Parser | undefined;
  let lastBadLine: number | undefined;
  const options: Options = {
    bom: true,
    columns: true,
    skip_empty_lines: true,
    skip_records_with_error: true,
    on_skip: (error) => {
      if (error?.code === 'CSV_QUOTE_NOT_CLOSED') {
        // Not one bad record: everything after the quote was swallowed. The run fails as "input failed".
        // Pushed in order (destroying the parser would drop the good records still in its buffer), thrown below.
        parser?.push(new InputFailure(`not valid CSV: ${error.message} (a quote that opens a field never closes: the rest of the input is inside it)`));
        return undefined;
      }
      const line = typeof error?.lines === 'number' ? error.lines : undefined;
      // csv-parse reports each bad field of a record: one error row per record (a record ends its line).
      if (line !== undefined && line === lastBadLine) return undefined;
      lastBadLine = line;
      parser?.push(new MalformedInput(`not valid CSV: ${error?.message ?? 'unreadable record'}`, line));
      return undefined;
    },
    cast: (value: string, context: InfoField): unknown => (context.header ? value : castCell(value, context.quoting, types.get(String(context.column)))),
  };
  parser = stream.pipe(parse(options));
  // The pipe does not forward a read error of the source; without this the iteration would wait forever.
  stream.once('error', (error) => parser?.destroy(error));
  try {
    for await (const record of parser) {
      if (record instanceof InputFailure) throw new Error(record.message);
      yield record as unknown;
    }
  } finally {
    stream.destroy();
  }
}

/** A problem of the file as a whole, queued behind the records read before it. */
class InputFailure {
  constructor(readonly message: string) {}
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
    case undefined: // a column the schema does not name
    case 'String':
    case 'DateTime':
      return value;
    default: // JSON, JSON v1.0.0, a nested schema ("Respond.io - Filters v1.2.0"), a list ("List of …"): JSON text
      try {
        return JSON.parse(value) as unknown;
      } catch {
        return value;
      }
  }
}
