import type { FlagSpecs, ParsedArgs } from './args.js';
import { UsageError } from './io.js';
import { DEFAULT_LOCK_DURATION_MS, DEFAULT_STALLED_INTERVAL_MS } from '../http/durable/run-worker.js';

/** The flags `serve` and `worker` share for the runs they carry in durable mode. */
export const workerFlags: FlagSpecs = {
  'lock-seconds': { type: 'string' },
  'stalled-check-seconds': { type: 'string' },
};

export const WORKER_FLAGS_HELP = `  --lock-seconds S    BullMQ's lock on a run a worker carries, renewed while it lives (default ${DEFAULT_LOCK_DURATION_MS / 1000})
  --stalled-check-seconds S  how often live workers look for runs whose worker died (default ${DEFAULT_STALLED_INTERVAL_MS / 1000});
                      a dead worker's run is continued by another within about lock + stalled-check seconds`;

export interface WorkerTimings {
  lockDurationMs: number;
  stalledIntervalMs: number;
}

function seconds(command: string, parsed: ParsedArgs, flag: string, fallbackMs: number): number {
  const value = parsed.values[flag];
  if (typeof value !== 'string') return fallbackMs;
  const number = Number(value);
  if (!Number.isFinite(number) || number < 0.1 || number > 3600) throw new UsageError(`--${flag} must be a number of seconds from 0.1 to 3600, got ${JSON.stringify(value)}`, command);
  return Math.round(number * 1000);
}

export function workerTimings(command: string, parsed: ParsedArgs): WorkerTimings {
  return {
    lockDurationMs: seconds(command, parsed, 'lock-seconds', DEFAULT_LOCK_DURATION_MS),
    stalledIntervalMs: seconds(command, parsed, 'stalled-check-seconds', DEFAULT_STALLED_INTERVAL_MS),
  };
}
