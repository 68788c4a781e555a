import { errorCodes } from '../../runtime/error-codes.js';
import type { RunHandle } from '../../runtime/pipeline.js';
import type { Plugin } from '../../runtime/plugin.js';
import { connectionOf } from './connection.js';
import { failureTally } from './failure-tally.js';
import { ExitCode, type CliIo } from './io.js';
import { openInput } from './input/open-input.js';
import { stopOnSignal } from './interrupt.js';
import { openOutput, type RowWriter } from './output/open-output.js';
import { startProgress } from './progress.js';
import { checkRunFlags, parseRunFlags, runHelp, tokenFileOf } from './run-options.js';
import { stderrLogger } from './stderr-logger.js';
import type { StderrPrinter } from './stderr-printer.js';
import { summaryText, type RunSummary } from './summary.js';
import { resolveToken } from './token.js';

export const DEFAULT_GRACE_MS = 10_000;

/**
 * `run <connector>`: a thin adapter over Plugin.run. Everything that can be refused is refused before a row is
 * read or an output file is created (exit 2); then rows stream from the reader through the run to the writer.
 */
export async function runCommand(argv: readonly string[], io: CliIo, printer: StderrPrinter, loadPlugin: () => Promise<Plugin>): Promise<number> {
  const flags = parseRunFlags(argv);
  if (flags === 'help') {
    io.stdout.write(runHelp);
    return ExitCode.ok;
  }
  const token = await resolveToken(tokenFileOf(flags), io.env);
  printer.protect([token]);
  const options = checkRunFlags(flags);
  const plugin = await loadPlugin();
  const connector = plugin.describe(options.connector);

  const input = await openInput(options.input, io.stdin, options.format, connector.input.columns);
  const stoppable = stopOnSignal(input.rows, io.signal, () => input.close());
  const failures = failureTally(stderrLogger(options.logLevel, (text) => printer.print(text)), { everyRow: options.logLevel === 'debug' });
  let handle: RunHandle;
  try {
    handle = plugin.run({
      connector: connector.id,
      rows: stoppable.rows,
      connection: connectionOf(connector, token, options, io.env.RESPONDIO_BASE_URL || undefined),
      settings: { 'Error behavior': options.errorBehavior },
      ...(options.concurrency === undefined ? {} : { concurrency: options.concurrency }),
      logger: failures.logger,
    });
  } catch (error) {
    input.close();
    throw error;
  }

  let writer: RowWriter;
  try {
    writer = await openOutput(options.output, io.stdout, options.outputFormat, connector.output.columns);
  } catch (error) {
    input.close();
    handle.cancel('the output could not be opened');
    await handle.collect(); // ends the run, so the connector session is closed
    throw error;
  }

  const outputError = await pump(handle, writer, io, printer, () => stoppable.noteGraceExpired());
  const interrupted = stoppable.interruption();
  const groups = failures.groups();
  const summary: RunSummary = { ...(await handle.result), ...(interrupted ? { interrupted } : {}), ...(groups.length > 0 ? { failedRows: groups } : {}) };
  if (outputError) printer.print(`error: writing the output failed: ${outputError.message}\n`);
  printer.print(options.jsonSummary ? JSON.stringify(summary) + '\n' : summaryText(summary));
  return exitCodeOf(summary, outputError);
}

/** Moves rows from the run to the writer; returns the output's error, if writing failed (the run is then cancelled). */
async function pump(handle: RunHandle, writer: RowWriter, io: CliIo, printer: StderrPrinter, onGraceExpired: () => void): Promise<Error | undefined> {
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
  const stopProgress = io.isTTY ? startProgress(handle, printer) : () => undefined;
  try {
    for await (const row of handle) {
      try {
        await writer.write(row);
      } catch (error) {
        return error as Error; // leaving the loop cancels the run
      }
    }
    await writer.end();
    return undefined;
  } catch (error) {
    return error as Error;
  } finally {
    clearTimeout(grace);
    io.signal?.removeEventListener('abort', onAbort);
    stopProgress();
  }
}

/** 0 succeeded (error rows or not) · 1 failed, cancelled or interrupted · 2 a configuration error stopped it (e.g. token rejected). */
export function exitCodeOf(summary: RunSummary, outputError: Error | undefined): number {
  if (summary.status === 'failed' && summary.failure && errorCodes[summary.failure.code].kind === 'configuration') return ExitCode.usage;
  if (outputError || summary.interrupted) return ExitCode.runFailed;
  return summary.status === 'succeeded' || summary.status === 'succeeded with errors' ? ExitCode.ok : ExitCode.runFailed;
}
