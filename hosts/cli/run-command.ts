import { journalGuard } from '../../runtime/checkpoint/call-guard.js';
import type { CheckpointJournal } from '../../runtime/checkpoint/journal.js';
import { errorCodes } from '../../runtime/error-codes.js';
import { failsRun } from '../../runtime/error-behavior.js';
import type { RunHandle } from '../../runtime/pipeline.js';
import type { Plugin } from '../../runtime/plugin.js';
import { acrossLegs } from './checkpoint/both-legs.js';
import { Committer } from './checkpoint/committer.js';
import { prepareCheckpoint, type PreparedCheckpoint } from './checkpoint/prepare.js';
import type { RateBudgetOptions } from '../../connectors/index.js';
import { connectionOf } from './connection.js';
import { failureTally } from './failure-tally.js';
import { ExitCode, type CliIo } from './io.js';
import { countRowsInBackground } from './input/count-rows.js';
import { openInput } from './input/open-input.js';
import { skipRows } from './input/skip-rows.js';
import { stopOnSignal } from './interrupt.js';
import { openOutput, type RowWriter } from './output/open-output.js';
import { rateBudgetOf } from './rate-budget-option.js';
import { startProgress } from './progress.js';
import { checkRunFlags, parseRunFlags, redisUrlOf, runHelp, tokenFileOf, type RunFlags } from './run-options.js';
import { stderrLogger } from './stderr-logger.js';
import type { StderrPrinter } from './stderr-printer.js';
import { summaryText, type RunSummary } from './summary.js';
import { resolveToken } from './token.js';

export const DEFAULT_GRACE_MS = 10_000;

/**
 * `run <connector>`: a thin adapter over Plugin.run. Everything that can be refused is refused before a row is
 * read or an output file is created (exit 2); then rows stream from the reader through the run to the writer.
 * With --checkpoint, the run is journaled and the same command again resumes it (checkpoint/).
 */
export async function runCommand(argv: readonly string[], io: CliIo, printer: StderrPrinter, loadPlugin: (rateBudget: RateBudgetOptions) => Promise<Plugin>): Promise<number> {
  const flags = parseRunFlags(argv);
  if (flags === 'help') {
    io.stdout.write(runHelp);
    return ExitCode.ok;
  }
  const plugin = await loadPlugin(rateBudgetOf(redisUrlOf(flags), io.env));
  await checkConnectorFirst(plugin, flags, io, printer);
  const token = await resolveToken(tokenFileOf(flags), io.env);
  printer.protect([token]);
  const options = checkRunFlags(flags);
  const connector = plugin.describe(options.connector);
  const settings = { 'Error behavior': options.errorBehavior };

  const checkpoint: PreparedCheckpoint | undefined =
    options.checkpoint === undefined
      ? undefined
      : await prepareCheckpoint(options.checkpoint, options.restart, {
          connector: { id: connector.id, version: connector.version },
          settings,
          inputPath: options.input,
          outputPath: options.output,
          format: options.outputFormat,
        });
  const earlier = checkpoint?.resumed ? checkpoint.earlier.committed : undefined;
  const skip = earlier?.row ?? 0;

  const input = await openInput(options.input, io.stdin, options.format, connector.input.columns);
  const stoppable = stopOnSignal(skip > 0 ? skipRows(input.rows, skip) : input.rows, io.signal, () => input.close());
  const failures = failureTally(stderrLogger(options.logLevel, (text) => printer.print(text)), { everyRow: options.logLevel === 'debug' });
  let journal: CheckpointJournal | undefined;
  let handle: RunHandle;
  try {
    journal = await checkpoint?.start();
    const idempotent = plugin.manifest.connectors.find((entry) => entry.id === connector.id)?.idempotent !== false;
    handle = plugin.run({
      connector: connector.id,
      rows: stoppable.rows,
      connection: connectionOf(connector, token, options, io.env.RESPONDIO_BASE_URL || undefined),
      settings,
      ...(options.concurrency === undefined ? {} : { concurrency: options.concurrency }),
      logger: failures.logger,
      firstRow: skip + 1, // a resumed run keeps the input row numbers of the whole file
      ...(journal && checkpoint && !idempotent ? { callGuard: journalGuard(journal, checkpoint.earlier) } : {}),
    });
  } catch (error) {
    input.close();
    await (checkpoint?.resumed ? journal?.close() : journal?.remove()); // a refused run leaves no journal of its own
    throw error;
  }

  let writer: RowWriter;
  try {
    writer = await openOutput(options.output, io.stdout, options.outputFormat, connector.output.columns, earlier && { bytes: earlier.outputBytes, rows: earlier.outputRows });
  } catch (error) {
    input.close();
    handle.cancel('the output could not be opened');
    await handle.collect(); // ends the run, so the connector session is closed
    await (checkpoint?.resumed ? journal?.close() : journal?.remove());
    throw error;
  }

  const committer = journal && new Committer(journal, writer, failsRun(options.errorBehavior));
  const count = io.isTTY ? countRowsInBackground(options.input, options.format, connector.input.columns) : undefined;
  const stopProgress = count ? startProgress(handle, printer, { total: count.total, before: skip }) : () => undefined;
  const outputError = await pump(handle, writer, committer, io, () => stoppable.noteGraceExpired());
  stopProgress();
  count?.stop();
  const interrupted = stoppable.interruption();
  const result = await handle.result;
  const groups = failures.groups();
  const summary: RunSummary = {
    ...(earlier ? acrossLegs(result, earlier) : result),
    ...(interrupted ? { interrupted: { ...interrupted, afterRow: interrupted.afterRow + skip } } : {}),
    ...(groups.length > 0 ? { failedRows: groups } : {}),
  };
  if (journal) {
    // A finished run leaves nothing to resume; any other end keeps the journal for the same command again.
    const finished = !outputError && !interrupted && (summary.status === 'succeeded' || summary.status === 'succeeded with errors');
    await (finished ? journal.remove() : journal.close());
  }
  if (outputError) printer.print(`error: writing the output failed: ${outputError.message}\n`);
  printer.print(options.jsonSummary ? JSON.stringify(summary) + '\n' : summaryText(summary));
  return exitCodeOf(summary, outputError);
}

/**
 * A mistyped connector is the first mistake a person makes, so it is reported before a missing token. A token at
 * hand is still protected first: one pasted where the connector's name goes must not be echoed back.
 */
async function checkConnectorFirst(plugin: Plugin, flags: RunFlags, io: CliIo, printer: StderrPrinter): Promise<void> {
  const [named] = flags.positionals;
  if (named === undefined) return;
  try {
    plugin.describe(named);
  } catch (error) {
    const token = await resolveToken(tokenFileOf(flags), io.env).catch(() => undefined);
    if (token !== undefined) printer.protect([token]);
    throw error;
  }
}

/**
 * Moves rows from the run to the writer; returns the output's error, if writing failed (the run is then cancelled).
 * A journaled run commits each settled input row's boundary behind the output (Committer).
 */
async function pump(
  handle: RunHandle,
  writer: RowWriter,
  committer: Committer | undefined,
  io: CliIo,
  onGraceExpired: () => void,
): Promise<Error | undefined> {
  const graceMs = io.graceMs ?? DEFAULT_GRACE_MS;
  let grace: NodeJS.Timeout | undefined;
  const onAbort = (): void => {
    grace = setTimeout(() => {
      onGraceExpired();
      handle.cancel(`rows still in flight ${graceMs} ms after the interrupt were cancelled`);
    }, graceMs);
  };
  if (io.signal?.aborted) onAbort();
  else io.signal?.addEventListener('abort', onAbort, { once: true });
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
    clearTimeout(grace);
    io.signal?.removeEventListener('abort', onAbort);
  }
}

/** 0 succeeded (error rows or not) · 1 failed, cancelled or interrupted · 2 a configuration error stopped it (e.g. token rejected). */
export function exitCodeOf(summary: RunSummary, outputError: Error | undefined): number {
  if (summary.status === 'failed' && summary.failure && errorCodes[summary.failure.code].kind === 'configuration') return ExitCode.usage;
  if (outputError || summary.interrupted) return ExitCode.runFailed;
  return summary.status === 'succeeded' || summary.status === 'succeeded with errors' ? ExitCode.ok : ExitCode.runFailed;
}
