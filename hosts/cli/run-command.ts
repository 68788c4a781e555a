import { errorCodes } from '../../runtime/error-codes.js';
import type { RunHandle } from '../../runtime/pipeline.js';
import type { Plugin } from '../../runtime/plugin.js';
import { runFileBatch, type FileBatchOutcome } from '../../batch/file-batch.js';
import { BatchFileError } from '../../batch/names.js';
import type { RateBudgetOptions } from '../../connectors/index.js';
import { cliNames } from './cli-names.js';
import { connectionOf } from './connection.js';
import { failureTally } from './failure-tally.js';
import { ExitCode, UsageError, type CliIo } from './io.js';
import { countRowsInBackground } from './input/count-rows.js';
import { stopOnSignal, type StoppableInput } from './interrupt.js';
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
 * With --checkpoint, the run is journaled and the same command again resumes it (batch/file-batch.ts).
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

  const failures = failureTally(stderrLogger(options.logLevel, (text) => printer.print(text)), { everyRow: options.logLevel === 'debug' });
  const held: { stoppable?: StoppableInput } = {};
  let outcome: FileBatchOutcome;
  try {
    outcome = await runFileBatch({
      plugin,
      request: {
        connector: connector.id,
        connection: connectionOf(connector, token, options, io.env.RESPONDIO_BASE_URL || undefined),
        settings,
        ...(options.concurrency === undefined ? {} : { concurrency: options.concurrency }),
        logger: failures.logger,
      },
      input: { path: options.input, format: options.format, stdin: io.stdin },
      output: { path: options.output, format: options.outputFormat, stdout: io.stdout },
      checkpoint: options.checkpoint === undefined ? undefined : { file: options.checkpoint, restart: options.restart },
      names: cliNames,
      wrapRows: (rows, close) => (held.stoppable = stopOnSignal(rows, io.signal, close)).rows,
      onStart: (handle, skipped) => {
        const stopGrace = graceOnInterrupt(handle, io, () => held.stoppable?.noteGraceExpired());
        const count = io.isTTY ? countRowsInBackground(options.input, options.format, connector.input.columns) : undefined;
        const stopProgress = count ? startProgress(handle, printer, { total: count.total, before: skipped }) : () => undefined;
        return () => {
          stopGrace();
          stopProgress();
          count?.stop();
        };
      },
      interrupted: () => held.stoppable?.interruption() !== undefined,
    });
  } catch (error) {
    // The files' problems are the command line's: a usage error (exit 2) with --help pointed at.
    if (error instanceof BatchFileError) throw new UsageError(error.message, 'run');
    throw error;
  }
  const { result, skipped, outputError } = outcome;
  const interrupted = held.stoppable?.interruption();
  const groups = failures.groups();
  const summary: RunSummary = {
    ...result,
    ...(interrupted ? { interrupted: { ...interrupted, afterRow: interrupted.afterRow + skipped } } : {}),
    ...(groups.length > 0 ? { failedRows: groups } : {}),
  };
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

/** After the interrupt, rows in flight have `graceMs` to finish, then they are cancelled; returns the cleanup. */
function graceOnInterrupt(handle: RunHandle, io: CliIo, onGraceExpired: () => void): () => void {
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
  return () => {
    clearTimeout(grace);
    io.signal?.removeEventListener('abort', onAbort);
  };
}

/** 0 succeeded (error rows or not) · 1 failed, cancelled or interrupted · 2 a configuration error stopped it (e.g. token rejected). */
export function exitCodeOf(summary: RunSummary, outputError: Error | undefined): number {
  if (summary.status === 'failed' && summary.failure && errorCodes[summary.failure.code].kind === 'configuration') return ExitCode.usage;
  if (outputError || summary.interrupted) return ExitCode.runFailed;
  return summary.status === 'succeeded' || summary.status === 'succeeded with errors' ? ExitCode.ok : ExitCode.runFailed;
}
