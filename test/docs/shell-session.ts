/**
 * One bash session per README: its shell blocks run in order in the same shell (a variable set by one block is seen
 * by the next), each under `set -e` so every command of a block must succeed. `respondio-connectors` and
 * `npx respondio-connectors` are this checkout's CLI from the sources, every CLI and curl call has a time bound, and
 * a `background` block (a server the reader starts in a second terminal) runs in its own process group with the
 * session's exported variables, until stop() sends it SIGTERM. A background block's CLI has no time bound: the
 * simulator a README starts first must outlive every later block (a bound there once killed it mid-README under load).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

const COMMAND_TIMEOUT_S = 60;

/** The functions a block runs with; `commandTimeoutS` undefined: the CLI runs until it ends or is stopped. */
function preamble(root: string, commandTimeoutS: number | undefined): string {
  const entry = JSON.stringify(join(root, 'hosts/cli/entry.ts'));
  // tsx by its URL: `--import tsx` would be resolved from the temp folder, which has no node_modules.
  const tsx = JSON.stringify(import.meta.resolve('tsx'));
  const bound = commandTimeoutS === undefined ? '' : `timeout --foreground -k 5 ${commandTimeoutS} `;
  return [
    `respondio-connectors() { ${bound}node --import ${tsx} ${entry} "$@"; }`,
    'npx() { if [ "$1" = respondio-connectors ]; then shift; respondio-connectors "$@"; else echo "docs-test: npx $1 is not run here; mark the block skip" >&2; return 127; fi; }',
    'npm() { echo "docs-test: npm $* is not run here; mark the block skip" >&2; return 127; }',
    `curl() { command curl --max-time ${commandTimeoutS ?? COMMAND_TIMEOUT_S} "$@"; }`,
    'export -f respondio-connectors npx npm curl',
    '',
  ].join('\n');
}

export interface BlockOutcome {
  /** The exit status of the block's failing command, or 0. undefined: the block did not end within the bound. */
  exitCode: number | undefined;
  stdout: string;
  stderr: string;
}

export class ShellSession {
  private readonly bash: ChildProcess;
  private stdout = '';
  private stderr = '';
  private blocks = 0;
  private exited: Promise<number | null>;

  constructor(
    private readonly cwd: string,
    private readonly env: NodeJS.ProcessEnv,
    root: string,
    commandTimeoutS = COMMAND_TIMEOUT_S,
  ) {
    writeFileSync(join(cwd, '.docs-test-preamble.sh'), preamble(root, commandTimeoutS));
    writeFileSync(join(cwd, '.docs-test-background-preamble.sh'), preamble(root, undefined));
    this.bash = spawn('bash', ['--noprofile', '--norc'], { cwd, env, stdio: ['pipe', 'pipe', 'pipe'] });
    this.bash.stdout?.setEncoding('utf8').on('data', (chunk: string) => (this.stdout += chunk));
    this.bash.stderr?.setEncoding('utf8').on('data', (chunk: string) => (this.stderr += chunk));
    this.exited = once(this.bash, 'exit').then(([code]) => code as number | null);
    this.bash.stdin?.write(`source .docs-test-preamble.sh\n`);
  }

  /** Runs one block in the session; a failing command ends the session (set -e), so later blocks are not run. */
  async run(code: string, timeoutMs: number): Promise<BlockOutcome> {
    const n = ++this.blocks;
    const file = join(this.cwd, `.docs-test-block-${n}.sh`);
    writeFileSync(file, code);
    const marker = `@@docs-test-done-${n}`;
    const [outFrom, errFrom] = [this.stdout.length, this.stderr.length];
    // stdin is /dev/null for the block: its commands must not read the commands meant for the session.
    this.bash.stdin?.write(`set -e; source ${JSON.stringify(file)} </dev/null; set +e; printf '\\n${marker}\\n'\n`);
    let timer: NodeJS.Timeout | undefined;
    const ended = await Promise.race([
      this.waitFor(marker).then(() => 'done' as const),
      this.exited.then(() => 'exited' as const),
      new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs))),
    ]);
    clearTimeout(timer);
    const stdout = this.stdout.slice(outFrom).replace(`\n${marker}\n`, '');
    const stderr = this.stderr.slice(errFrom);
    if (ended === 'done') return { exitCode: 0, stdout, stderr };
    if (ended === 'timeout') return { exitCode: undefined, stdout, stderr };
    return { exitCode: (await this.exited) ?? 1, stdout, stderr };
  }

  /** Starts a background block with the session's exported variables; resolves once it printed its first line. */
  async background(code: string, timeoutMs: number): Promise<BackgroundBlock> {
    const n = ++this.blocks;
    const exports = join(this.cwd, `.docs-test-exports-${n}.sh`);
    await this.run(`export -p > ${JSON.stringify(exports)}\n`, timeoutMs);
    const file = join(this.cwd, `.docs-test-block-${n}.sh`);
    writeFileSync(file, `source .docs-test-background-preamble.sh\nsource ${JSON.stringify(exports)}\n${code}`);
    const child = spawn('bash', ['--noprofile', '--norc', file], { cwd: this.cwd, env: this.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    const server = new BackgroundBlock(child);
    await server.firstLine(timeoutMs);
    return server;
  }

  async close(): Promise<void> {
    this.bash.stdin?.end('exit 0\n');
    const timer = setTimeout(() => this.bash.kill('SIGKILL'), 5000);
    await this.exited;
    clearTimeout(timer);
  }

  private waitFor(marker: string): Promise<void> {
    return new Promise((resolve) => {
      const check = (): void => {
        if (this.stdout.includes(`${marker}\n`)) {
          this.bash.stdout?.off('data', check);
          resolve();
        }
      };
      this.bash.stdout?.on('data', check);
      check();
    });
  }
}

export class BackgroundBlock {
  stdout = '';
  stderr = '';
  private readonly exited: Promise<unknown>;

  constructor(private readonly child: ChildProcess) {
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (this.stdout += chunk));
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (this.stderr += chunk));
    this.exited = once(child, 'exit');
  }

  async firstLine(timeoutMs: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      new Promise<void>((resolve) => {
        const check = (): void => {
          if (this.stdout.includes('\n')) resolve();
        };
        this.child.stdout?.on('data', check);
        check();
      }),
      this.exited.then(() => {
        throw new Error(`background block exited before printing a line; stderr: ${this.stderr}`);
      }),
      new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`background block printed no line in ${timeoutMs} ms; stderr: ${this.stderr}`)), timeoutMs))),
    ]).finally(() => clearTimeout(timer));
  }

  /** SIGTERM to the block's process group (bash, the CLI under it), as Ctrl+C in its terminal would; SIGKILL after 10 s. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const pid = this.child.pid;
    if (pid === undefined) return;
    process.kill(-pid, 'SIGTERM');
    const timer = setTimeout(() => {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }, 10_000);
    await this.exited;
    clearTimeout(timer);
  }
}
