import { spawn, type ChildProcess } from 'node:child_process';
import type { Test } from 'tap';

const ROOT = new URL('../../../', import.meta.url).pathname;

export interface CliChild {
  child: ChildProcess;
  stderr(): string;
  /** Resolves with the exit code (null after a signal). */
  exited: Promise<number | null>;
  kill(signal: NodeJS.Signals): Promise<void>;
}

/** The CLI as a real child process (from the sources, through tsx); killed with SIGKILL at teardown if still alive. */
export function cli(t: Test, args: string[], env: Record<string, string>): CliChild {
  const child = spawn(process.execPath, ['--import', 'tsx', 'hosts/cli/entry.ts', ...args], { cwd: ROOT, env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const kill = async (signal: NodeJS.Signals): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    await exited;
  };
  t.teardown(() => kill('SIGKILL'));
  return { child, stderr: () => stderr, exited, kill };
}

/** Waits until the child's stderr matches (or it exits, or `ms` pass): returns the match. */
export async function stderrMatch(c: CliChild, pattern: RegExp, ms = 60_000): Promise<RegExpMatchArray> {
  const deadline = Date.now() + ms;
  for (;;) {
    const found = pattern.exec(c.stderr());
    if (found) return found;
    if (c.child.exitCode !== null || Date.now() > deadline) throw new Error(`no ${pattern} on stderr (exit ${c.child.exitCode}):\n${c.stderr()}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
