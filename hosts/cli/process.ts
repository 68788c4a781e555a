import { constants } from 'node:os';
import type { Plugin } from '../../runtime/plugin.js';
import { main } from './main.js';

/**
 * Runs the CLI as the process: real streams, real signals, process.exitCode. Kept here (typed, and spawned by a
 * test through tsx) rather than in bin/, which only imports the compiled copy of this file.
 *
 * First SIGINT/SIGTERM: a graceful stop — no more input is read, the rows already read finish (or are cancelled
 * when the grace period ends), the output is flushed with whole lines only, and the summary says where it stopped
 * (exit 1). Second signal: exit at once with 128 + the signal number.
 */
export async function runAsProcess(options: { plugin?: Plugin } = {}): Promise<void> {
  const controller = new AbortController();
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals): void => {
    signals += 1;
    if (signals > 1) process.exit(128 + (constants.signals[signal] ?? 2));
    process.stderr.write(`\n${signal}: stopping gracefully; ${signal} again to exit at once\n`);
    controller.abort(signal);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    process.exitCode = await main(process.argv.slice(2), {
      stdin: process.stdin,
      stdout: process.stdout,
      stderr: process.stderr,
      env: process.env,
      isTTY: process.stderr.isTTY === true,
      signal: controller.signal,
      ...(options.plugin ? { plugin: options.plugin } : {}),
    });
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
