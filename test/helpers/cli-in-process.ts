import { PassThrough } from 'node:stream';
import { main } from '../../hosts/cli/main.js';
import type { Plugin } from '../../runtime/plugin.js';

export interface CliOutcome {
  code: number;
  stdout: string;
  stderr: string;
}

/** The CLI's main() in this process, over PassThrough streams: `stdinText` in, everything it wrote back. */
export async function cliInProcess(argv: string[], stdinText: string, io: { env: Record<string, string | undefined>; plugin: Plugin }): Promise<CliOutcome> {
  const [stdin, stdout, stderr] = [new PassThrough(), new PassThrough(), new PassThrough()];
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  stdout.on('data', (chunk: Buffer) => out.push(chunk));
  stderr.on('data', (chunk: Buffer) => err.push(chunk));
  stdin.end(stdinText);
  const code = await main(argv, { stdin, stdout, stderr, env: io.env, plugin: io.plugin });
  return { code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') };
}
