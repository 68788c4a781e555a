import { open } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import type { ColumnDescription } from '../../../runtime/schema-registry.js';
import { UsageError } from '../io.js';
import type { Format } from '../formats.js';
import { readCsv } from './csv-reader.js';
import { readJsonArray } from './json-array-reader.js';
import { readNdjson } from './ndjson-reader.js';

export interface OpenedInput {
  rows: AsyncGenerator<unknown>;
  /** Stops reading at once: the stream is destroyed (a pending read ends) and the file released. */
  close(): void;
}

/**
 * Opens the input before the run starts, so that a missing or unreadable file is a usage error (exit 2) and not a
 * failed run. Nothing is read until the rows are iterated.
 */
export async function openInput(path: string, stdin: Readable, format: Format, columns: readonly ColumnDescription[]): Promise<OpenedInput> {
  let stream: Readable = stdin;
  if (path !== '-') {
    try {
      const handle = await open(path, 'r');
      stream = handle.createReadStream();
    } catch (error) {
      throw new UsageError(`--input ${JSON.stringify(path)} cannot be read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, 'run');
    }
  }
  const rows = format === 'csv' ? readCsv(stream, columns) : format === 'json' ? readJsonArray(stream) : readNdjson(stream);
  return {
    rows,
    close() {
      stream.destroy();
      rows.return(undefined).catch(() => undefined);
    },
  };
}
