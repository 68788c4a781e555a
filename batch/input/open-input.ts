import { open } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import type { ColumnDescription } from '../../runtime/schema-registry.js';
import type { Format } from '../formats.js';
import { BatchFileError, reasonOf, type BatchNames } from '../names.js';
import { readCsv } from './csv-reader.js';
import { readJsonArray } from './json-array-reader.js';
import { readNdjson } from './ndjson-reader.js';

export interface OpenedInput {
  rows: AsyncGenerator<unknown>;
  /** Stops reading at once: the stream is destroyed (a pending read ends) and the file released. */
  close(): void;
}

/**
 * Opens the input before the run starts, so that a missing or unreadable file is a configuration error (the CLI's exit 2)
 * and not a failed run. Nothing is read until the rows are iterated.
 */
export async function openInput(path: string, stdin: Readable | undefined, format: Format, columns: readonly ColumnDescription[], names: BatchNames): Promise<OpenedInput> {
  let stream: Readable | undefined = stdin;
  if (path !== '-' || stream === undefined) {
    try {
      const handle = await open(path, 'r');
      stream = handle.createReadStream();
    } catch (error) {
      throw new BatchFileError('RC_INVALID_OPTION', `${names.input} ${JSON.stringify(path)} cannot be read: ${reasonOf(error)}`);
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
