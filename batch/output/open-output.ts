import { createWriteStream, fsync } from 'node:fs';
import { once } from 'node:events';
import { stat, truncate } from 'node:fs/promises';
import type { Writable } from 'node:stream';
import type { ColumnDescription } from '../../runtime/schema-registry.js';
import type { Format } from '../formats.js';
import { BatchFileError, reasonOf, type BatchNames } from '../names.js';
import { csvFormatter } from './csv-writer.js';
import { jsonArrayFormatter } from './json-array-writer.js';
import { ndjsonFormatter } from './ndjson-writer.js';
import type { RowFormatter } from './row-writer.js';
import { finish, writeText } from './write.js';
import type { Row } from '../../runtime/connector.js';

export interface RowWriter {
  write(row: Row): Promise<void>;
  /** Writes the footer and flushes (and closes a file; fsynced first when the output is durable). */
  end(): Promise<void>;
  /** Bytes and rows in the output so far (a resumed output's included), footer excluded. */
  position(): { bytes: number; rows: number };
  /** Resolves once everything written so far is on disk (fsync); a no-op for stdout. */
  sync(): Promise<void>;
}

/** Where a resumed output is cut back to: the end of its last committed row (a torn line or a footer is dropped). */
export interface OutputResume {
  bytes: number;
  rows: number;
}

export function formatterFor(format: Format, columns: readonly ColumnDescription[], rowsBefore = 0): RowFormatter {
  if (format === 'csv') return csvFormatter(columns);
  if (format === 'json') return jsonArrayFormatter(rowsBefore);
  return ndjsonFormatter();
}

/**
 * Opens the output (a file is created only now, after the run was accepted); an unwritable path is a BatchFileError (exit 2).
 * With `resume`, the file is cut back to the committed boundary and appended to; the header is not written again.
 */
export async function openOutput(
  path: string,
  stdout: Writable | undefined,
  format: Format,
  columns: readonly ColumnDescription[],
  names: BatchNames,
  resume?: OutputResume,
): Promise<RowWriter> {
  const owned = path !== '-' || stdout === undefined;
  let stream = stdout as Writable;
  if (owned) {
    try {
      if (resume) await cutBack(path, resume.bytes, names);
      stream = createWriteStream(path, { flags: resume ? 'a' : 'w' });
      await once(stream, 'open');
    } catch (error) {
      if (error instanceof BatchFileError) throw error;
      throw new BatchFileError('RC_INVALID_OPTION', `${names.output} ${JSON.stringify(path)} cannot be written: ${reasonOf(error)}`);
    }
  }
  // A closed pipe (`| head`) emits 'error' (EPIPE) at any time: kept here and thrown at the next write, so the run
  // is cancelled and summarised instead of the process dying of an unhandled 'error' event.
  let failed: Error | undefined;
  stream.on('error', (error) => (failed ??= error));
  const formatter = formatterFor(format, columns, resume?.rows ?? 0);
  let bytes = resume?.bytes ?? 0;
  let rows = resume?.rows ?? 0;
  let started = bytes > 0;
  const put = async (text: string): Promise<void> => {
    bytes += Buffer.byteLength(text);
    await writeText(stream, text);
  };
  const start = async (): Promise<void> => {
    if (started) return;
    started = true;
    const header = formatter.header();
    if (header) await put(header);
  };
  const sync = async (): Promise<void> => {
    if (!owned || stream.destroyed) return;
    const fd = (stream as Writable & { fd: number }).fd;
    // The empty write's callback runs once every earlier write reached the file descriptor.
    await new Promise<void>((resolve, reject) => stream.write('', (error) => (error ? reject(error) : resolve())));
    await new Promise<void>((resolve, reject) => fsync(fd, (error) => (error && !unsyncable(error) ? reject(error) : resolve())));
  };
  return {
    async write(row) {
      if (failed) throw failed;
      await start();
      await put(formatter.row(row));
      rows += 1;
    },
    async end() {
      await start();
      const footer = formatter.footer();
      if (footer) await writeText(stream, footer);
      await sync(); // a file's rows are on disk before a run reports them written (and before a journal is dropped)
      await finish(stream, owned);
    },
    position: () => ({ bytes, rows }),
    sync,
  };
}

/** Cuts a resumed output back to `bytes`; an output shorter than that was changed since the journal was written. */
async function cutBack(path: string, bytes: number, names: BatchNames): Promise<void> {
  let size: number;
  try {
    ({ size } = await stat(path));
  } catch (error) {
    throw new BatchFileError('RC_CHECKPOINT_MISMATCH', `${names.output} ${JSON.stringify(path)} cannot be resumed: ${reasonOf(error)} (use ${names.restart} to start over)`);
  }
  if (size < bytes) {
    throw new BatchFileError('RC_CHECKPOINT_MISMATCH', `${names.output} ${JSON.stringify(path)} holds ${size} bytes, fewer than the ${bytes} the checkpoint journal committed: it was changed since (use ${names.restart} to start over)`);
  }
  await truncate(path, bytes);
}

/**
 * fsync of a device or a pipe named as the output (`-o /dev/null`, `-o /dev/stdout` into a pipe) fails with EINVAL
 * (or ENOTSUP): such an output keeps nothing to make durable, so there is nothing to wait for.
 */
export function unsyncable(error: NodeJS.ErrnoException): boolean {
  return error.code === 'EINVAL' || error.code === 'ENOTSUP';
}
