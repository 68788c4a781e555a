import { ConnectorsError } from '../../runtime/errors.js';
import { loadPlugin, type RateBudgetOptions } from '../../connectors/index.js';
import { type Plugin } from '../../runtime/plugin.js';
import { describeCommand } from './describe-command.js';
import { ExitCode, PROGRAM, UsageError, type CliIo } from './io.js';
import { runCommand } from './run-command.js';
import { StderrPrinter } from './stderr-printer.js';
import { packageVersion } from './version.js';

export type { CliIo } from './io.js';

interface Command {
  summary: string;
  run(argv: string[], io: CliIo, printer: StderrPrinter): Promise<number>;
}

const load = (io: CliIo) => (): Promise<Plugin> => (io.plugin ? Promise.resolve(io.plugin) : loadPlugin());

/** `run`'s plugin, with the rate budget its flags name; closed (its Redis connection) when the command ends. */
async function withRunPlugin(io: CliIo, command: (load: (rateBudget: RateBudgetOptions) => Promise<Plugin>) => Promise<number>): Promise<number> {
  let opened: Plugin | undefined;
  try {
    return await command(async (rateBudget) => io.plugin ?? (opened = await loadPlugin({ rateBudget })));
  } finally {
    await opened?.close();
  }
}

/**
 * The subcommands. The servers are imported when their command runs, so that `run` and `describe` do not load
 * fastify and the simulator.
 */
const commands: Record<string, Command> = {
  describe: {
    summary: 'describe [connector] [--json]   the connectors: badges, settings, input/output columns',
    run: (argv, io) => describeCommand(argv, io, load(io)),
  },
  run: {
    summary: 'run <connector> [options]       stream rows (NDJSON, JSON array, CSV) through a connector',
    run: (argv, io, printer) => withRunPlugin(io, (loadRunPlugin) => runCommand(argv, io, printer, loadRunPlugin)),
  },
  serve: {
    summary: 'serve [options]                 the HTTP host for workflow engines in other languages',
    run: async (argv, io) => (await import('./serve-command.js')).runServe(argv, { env: io.env, stdout: io.stdout, stderr: io.stderr, ...(io.plugin ? { plugin: io.plugin } : {}) }),
  },
  worker: {
    summary: 'worker [options]                carry the durable runs serve keeps in Redis (BullMQ), resuming after crashes',
    run: async (argv, io) => (await import('./worker-command.js')).runWorker(argv, io),
  },
  simulate: {
    summary: 'simulate [options]              an offline respond.io API v2 look-alike (seeded data, limits, faults)',
    run: async (argv, io) => (await import('./simulate-command.js')).runSimulate(argv, { stdout: io.stdout, stderr: io.stderr, ...(io.signal ? { signal: io.signal } : {}) }),
  },
  'custom-channel': {
    summary: 'custom-channel [options]        serve respond.io\'s Custom Channel (POST …/message) to an adapter',
    run: async (argv, io) => (await import('./custom-channel-command.js')).runCustomChannel(argv, io),
  },
};

export const mainHelp = `Usage: ${PROGRAM} <command> [options]

respond.io connectors for workflow engines, on the command line.

Commands:
${Object.values(commands).map((command) => `  ${command.summary}`).join('\n')}
  help [command]                  a command's options (same as <command> --help)

  --version                       the package version
  -h, --help                      this help

Run '${PROGRAM} <command> --help' for a command's options.
`;

/**
 * The CLI: parses argv, runs one command, returns the exit code (0 ok · 1 run failed · 2 usage or configuration
 * error). Never throws and never exits the process: bin/ (via process.ts) owns the process.
 */
export async function main(argv: string[], io: CliIo): Promise<number> {
  const printer = new StderrPrinter(io.stderr);
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case undefined:
        printer.print(mainHelp);
        return ExitCode.usage;
      case '--help':
      case '-h':
        io.stdout.write(mainHelp);
        return ExitCode.ok;
      case 'help': {
        if (rest[0] === undefined) {
          io.stdout.write(mainHelp);
          return ExitCode.ok;
        }
        const topic = commandNamed(rest[0]);
        if (topic === undefined) throw new UsageError(`no command ${JSON.stringify(rest[0])}; commands: ${Object.keys(commands).join(', ')}`);
        return await topic.run(['--help'], io, printer);
      }
      case '--version':
        io.stdout.write(`${packageVersion()}\n`);
        return ExitCode.ok;
      default: {
        const found = commandNamed(command);
        if (found) return await found.run(rest, io, printer);
        const what = command.startsWith('-') ? `unknown flag ${command.split('=')[0]}` : `unknown command ${JSON.stringify(command)}`;
        throw new UsageError(`${what}; commands: ${Object.keys(commands).join(', ')}`);
      }
    }
  } catch (error) {
    return reportError(error, printer);
  }
}

function commandNamed(name: string): Command | undefined {
  return Object.hasOwn(commands, name) ? commands[name] : undefined;
}

function reportError(error: unknown, printer: StderrPrinter): number {
  if (error instanceof UsageError) {
    const help = error.command === undefined ? `${PROGRAM} --help` : `${PROGRAM} ${error.command} --help`;
    printer.print(`${PROGRAM}${error.command === undefined ? '' : ` ${error.command}`}: ${error.message}\nSee '${help}'.\n`);
    return ExitCode.usage;
  }
  if (error instanceof ConnectorsError && error.kind === 'configuration') {
    printer.print(`${PROGRAM}: ${error.code}: ${error.message}\n`);
    return ExitCode.usage;
  }
  printer.print(`${PROGRAM}: unexpected error: ${(error as Error)?.stack ?? String(error)}\n`);
  return ExitCode.runFailed;
}
