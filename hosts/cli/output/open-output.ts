import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import type { ColumnDescription } from '../../../runtime/schema-registry.js';
import type { Format } from '../formats.js';
import { UsageError } from '../io.js';
import { csvFormatter } from './csv-writer.js';
import { jsonArrayFormatter } from './json-array-writer.js';
import { ndjsonFormatter } from './ndjson-writer.js';
import type { RowFormatter } from './row-writer.js';
import { finish, writeText } from './write.js';
import type { Row } from '../../../runtime/connector.js';

export interface RowWriter {
  write(row: Row): Promise<void>;
  /** Writes the footer and flushes (and closes a file). */
  end(): Promise<void>;
}

export function formatterFor(format: Format, columns: readonly ColumnDescription[]): RowFormatter {
  if (format === 'csv') return csvFormatter(columns);
  if (format === 'json') return jsonArrayFormatter();
  return ndjsonFormatter();
}

/** Opens the output (a file is created only now, after the run was accepted); an unwritable path is exit 2. */
export async function openOutput(path: string, stdout: Writable, format: Format, columns: readonly ColumnDescription[]): Promise<RowWriter> {
  let stream = stdout;
  const owned = path !== '-';
  if (owned) {
    stream = createWriteStream(path);
    try {
      await once(stream, 'open');
    } catch (error) {
      throw new UsageError(`--output ${JSON.stringify(path)} cannot be written: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, 'run');
    }
  }
  // A closed pipe (`| head`) emits 'error' (EPIPE) at any time: kept here and thrown at the next write, so the run
  // is cancelled and summarised instead of the process dying of an unhandled 'error' event.
  let failed: Error | undefined;
  stream.on('error', (error) => (failed ??= error));
  const formatter = formatterFor(format, columns);
  let started = false;
  const start = async (): Promise<void> => {
    if (started) return;
    started = true;
    const header = formatter.header();
    if (header) await writeText(stream, header);
  };
  return {
    async write(row) {
      if (failed) throw failed;
      await start();
      await writeText(stream, formatter.row(row));
    },
    async end() {
      await start();
      const footer = formatter.footer();
      if (footer) await writeText(stream, footer);
      await finish(stream, owned);
    },
  };
}
