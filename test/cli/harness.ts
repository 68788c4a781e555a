import { PassThrough } from 'node:stream';
import { main } from '../../hosts/cli/main.js';
import type { CliIo } from '../../hosts/cli/io.js';
import { fakePlugin, TEST_TOKEN, type FakeOptions } from '../helpers/fake-connector.js';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  stdin?: string;
  env?: Record<string, string | undefined>;
  fake?: FakeOptions;
  isTTY?: boolean;
  signal?: AbortSignal;
  graceMs?: number;
  /** Leave stdin open after writing (to test a stop while input is still expected). */
  keepStdinOpen?: boolean;
  onStdin?: (stdin: PassThrough) => void;
  /** Sees stdout as it is written (a test can act once a row is out, instead of after a sleep). */
  onStdout?: (chunk: string) => void;
}

/** Runs the CLI in-process over PassThrough streams, with the fake plugin and the test token in the environment. */
export async function cli(argv: string[], options: CliOptions = {}): Promise<CliRun> {
  const stdin = new PassThrough();
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: string[] = [];
  const err: string[] = [];
  stdout.on('data', (chunk: Buffer) => {
    out.push(chunk.toString('utf8'));
    options.onStdout?.(chunk.toString('utf8'));
  });
  stderr.on('data', (chunk: Buffer) => err.push(chunk.toString('utf8')));
  if (options.stdin !== undefined) stdin.write(options.stdin);
  if (!options.keepStdinOpen) stdin.end();
  options.onStdin?.(stdin);
  const io: CliIo = {
    stdin,
    stdout,
    stderr,
    env: options.env ?? { RESPONDIO_TOKEN: TEST_TOKEN },
    plugin: fakePlugin(options.fake),
    ...(options.isTTY === undefined ? {} : { isTTY: options.isTTY }),
    ...(options.signal === undefined ? {} : { signal: options.signal }),
    ...(options.graceMs === undefined ? {} : { graceMs: options.graceMs }),
  };
  const code = await main(argv, io);
  return { code, stdout: out.join(''), stderr: err.join('') };
}

export const ndjson = (rows: unknown[]): string => rows.map((row) => JSON.stringify(row) + '\n').join('');

export const parseNdjson = (text: string): Record<string, unknown>[] =>
  text.split('\n').filter((line) => line !== '').map((line) => JSON.parse(line) as Record<string, unknown>);
