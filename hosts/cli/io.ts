import type { Readable, Writable } from 'node:stream';
import type { Plugin } from '../../runtime/plugin.js';

/** Everything the CLI touches outside itself, so that tests drive it in-process with PassThrough streams. */
export interface CliIo {
  stdin: Readable;
  stdout: Writable;
  stderr: Writable;
  env: Record<string, string | undefined>;
  /** Whether stderr is a terminal: then a progress line is drawn there. */
  isTTY?: boolean;
  /** Aborted on the first SIGINT/SIGTERM: the run stops reading input and lets the rows already read finish. */
  signal?: AbortSignal;
  /** The plugin to use instead of loadPlugin() (tests inject fakePlugin()). */
  plugin?: Plugin;
  /** How long rows in flight may take to finish after the signal before they are cancelled (default 10 s). */
  graceMs?: number;
}

/** 0 succeeded (with or without error rows) · 1 run failed or cancelled · 2 usage or configuration error. */
export const ExitCode = { ok: 0, runFailed: 1, usage: 2 } as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

export const PROGRAM = 'respondio-connectors';

/** A mistake on the command line or in the configuration: printed with a pointer to --help, exit 2. */
export class UsageError extends Error {
  constructor(
    message: string,
    /** The subcommand whose --help to point at, if any. */
    readonly command?: string,
  ) {
    super(message);
    this.name = 'UsageError';
  }
}
