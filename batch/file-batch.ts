import type { Readable, Writable } from 'node:stream';
import { journalGuard } from '../runtime/checkpoint/call-guard.js';
import type { CheckpointJournal } from '../runtime/checkpoint/journal.js';
import { failsRun, parseErrorBehavior } from '../runtime/error-behavior.js';
import type { RunHandle } from '../runtime/pipeline.js';
import type { Plugin, RunRequest } from '../runtime/plugin.js';
import type { RunResult } from '../runtime/run-result.js';
import { acrossLegs, type Resumption } from './checkpoint/both-legs.js';
import { Committer } from './checkpoint/committer.js';
import { prepareCheckpoint, type PreparedCheckpoint } from './checkpoint/prepare.js';
import type { Format } from './formats.js';
import { openInput } from './input/open-input.js';
import { skipRows } from './input/skip-rows.js';
import type { BatchNames } from './names.js';
import { openOutput, type RowWriter } from './output/open-output.js';

export interface FileBatch {
  plugin: Plugin;
  /** The run's request without its rows: the batch reads them from `input` and numbers them (firstRow). */
  request: Omit<RunRequest, 'rows' | 'inputs' | 'output' | 'checkpoint' | 'firstRow' | 'callGuard'>;
  /** `-` with `stdin`: read from that stream (not journaled). */
  input: { path: string; format: Format; stdin?: Readable };
  /** `-` with `stdout`: write to that stream (not journaled). */
  output: { path: string; format: Format; stdout?: Writable };
  checkpoint?: { file: string; restart: boolean } | undefined;
  names: BatchNames;
  /** Wraps the rows read (the CLI stops reading on SIGINT); `close` stops the reader at once. */
  wrapRows?: (rows: AsyncGenerator<unknown>, close: () => void) => AsyncIterable<unknown>;
  /** Called once the run started; returns what to call once its rows stopped (a progress bar, a grace timer). */
  onStart?: (handle: RunHandle, skipped: number) => () => void;
  /** Whether the caller interrupted the run: the journal is then kept, as for any run that did not finish. */
  interrupted?: () => boolean;
}

export interface FileBatchOutcome {
  /** Counted over every leg of a resumed run. */
  result: RunResult & { resumed?: Resumption };
  /** Input rows earlier legs committed, which this leg skipped. */
  skipped: number;
  /** Writing the output failed (the run was then cancelled; what was committed stays committed). */
  outputError: Error | undefined;
}

/**
 * One file batch, journaled or not: the input file through a run into the output file. Everything that can be
 * refused is refused before a row is read or the output is touched (a BatchFileError); then rows stream from the
 * reader through the run to the writer. With a checkpoint, the output is fsynced before the journal commits it
 * (Committer), and a journal of this very run is resumed: the output cut back to its last committed row, the
 * committed input rows skipped as they stream by, and the result counted over both legs.
 */
export async function runFileBatch(batch: FileBatch): Promise<FileBatchOutcome> {
  const { plugin, names } = batch;
  const connector = plugin.describe(batch.request.connector);
  const settings = batch.request.settings ?? {};
  const checkpoint: PreparedCheckpoint | undefined =
    batch.checkpoint === undefined
      ? undefined
      : await prepareCheckpoint(
          batch.checkpoint.file,
          batch.checkpoint.restart,
          { connector: { id: connector.id, version: connector.version }, settings, inputPath: batch.input.path, outputPath: batch.output.path, format: batch.output.format },
          names,
        );
  const earlier = checkpoint?.resumed ? checkpoint.earlier.committed : undefined;
  const skipped = earlier?.row ?? 0;

  const input = await openInput(batch.input.path, batch.input.stdin, batch.input.format, connector.input.columns, names);
  const read = skipped > 0 ? skipRows(input.rows, skipped) : input.rows;
  const rows = batch.wrapRows ? batch.wrapRows(read, () => input.close()) : read;
  let journal: CheckpointJournal | undefined;
  let handle: RunHandle;
  try {
    journal = await checkpoint?.start();
    const idempotent = plugin.manifest.connectors.find((entry) => entry.id === connector.id)?.idempotent !== false;
    handle = plugin.run({
      ...batch.request,
      connector: connector.id,
      rows,
      firstRow: skipped + 1, // a resumed run keeps the input row numbers of the whole file
      ...(journal && checkpoint && !idempotent ? { callGuard: journalGuard(journal, checkpoint.earlier) } : {}),
    });
  } catch (error) {
    input.close();
    await (checkpoint?.resumed ? journal?.close() : journal?.remove()); // a refused run leaves no journal of its own
    throw error;
  }

  let writer: RowWriter;
  try {
    writer = await openOutput(batch.output.path, batch.output.stdout, batch.output.format, connector.output.columns, names, earlier && { bytes: earlier.outputBytes, rows: earlier.outputRows });
  } catch (error) {
    input.close();
    handle.cancel('the output could not be opened');
    await handle.collect(); // ends the run, so the connector session is closed
    await (checkpoint?.resumed ? journal?.close() : journal?.remove());
    throw error;
  }

  const committer = journal && new Committer(journal, writer, failsRun(parseErrorBehavior(settings['Error behavior'])));
  const stop = batch.onStart?.(handle, skipped);
  const outputError = await pump(handle, writer, committer);
  stop?.();
  if (batch.input.stdin === undefined || batch.input.path !== '-') input.close(); // a cancelled run leaves the file open otherwise
  const interrupted = batch.interrupted?.() ?? false;
  const result = await handle.result;
  const counted = earlier ? acrossLegs(result, earlier) : result;
  if (journal) {
    // A finished run leaves nothing to resume; any other end keeps the journal for the same command again.
    const finished = !outputError && !interrupted && (counted.status === 'succeeded' || counted.status === 'succeeded with errors');
    await (finished ? journal.remove() : journal.close());
  }
  return { result: counted, skipped, outputError };
}

/**
 * Moves rows from the run to the writer; returns the output's error, if writing failed (the run is then cancelled).
 * A journaled run commits each settled input row's boundary behind the output (Committer).
 */
async function pump(handle: RunHandle, writer: RowWriter, committer: Committer | undefined): Promise<Error | undefined> {
  committer?.start();
  try {
    for await (const event of handle.events()) {
      if (event.type === 'settled') {
        committer?.settled(event.input, event.outcome);
        continue;
      }
      try {
        await writer.write(event.row);
      } catch (error) {
        return error as Error; // leaving the loop cancels the run
      }
    }
    await committer?.finish();
    await writer.end();
    return undefined;
  } catch (error) {
    return error as Error;
  } finally {
    await committer?.finish().catch(() => undefined); // after a write failed: what was committed stays committed
  }
}
