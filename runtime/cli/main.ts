import { ConnectorsError } from '../errors.js';
import { loadPlugin, type Plugin } from '../plugin.js';
import { describeCommand, describeHelp } from './describe-command.js';
import { ExitCode, PROGRAM, UsageError, type CliIo } from './io.js';
import { runCommand } from './run-command.js';
import { runHelp } from './run-options.js';
import { StderrPrinter } from './stderr-printer.js';
import { packageVersion } from './version.js';

export type { CliIo } from './io.js';

const commands: Record<string, { summary: string; help: string }> = {
  describe: { summary: 'describe [connector] [--json]   the connectors: badges, settings, input/output columns', help: describeHelp },
  run: { summary: 'run <connector> [options]       stream rows (NDJSON, JSON array, CSV) through a connector', help: runHelp },
};

export const mainHelp = `Usage: ${PROGRAM} <command> [options]

respond.io connectors for workflow engines, on the command line.

Commands:
${Object.values(commands).map((command) => `  ${command.summary}`).join('\n')}
  help [command]                  a command's options

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
  const load = (): Promise<Plugin> => (io.plugin ? Promise.resolve(io.plugin) : loadPlugin());
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
        const topic = rest[0] === undefined ? undefined : commands[rest[0]];
        if (rest[0] !== undefined && topic === undefined) throw new UsageError(`no command ${JSON.stringify(rest[0])}; commands: ${Object.keys(commands).join(', ')}`);
        io.stdout.write(topic?.help ?? mainHelp);
        return ExitCode.ok;
      }
      case '--version':
        io.stdout.write(`${packageVersion()}\n`);
        return ExitCode.ok;
      case 'describe':
        return await describeCommand(rest, io, load);
      case 'run':
        return await runCommand(rest, io, printer, load);
      default: {
        const what = command.startsWith('-') ? `unknown flag ${command.split('=')[0]}` : `unknown command ${JSON.stringify(command)}`;
        throw new UsageError(`${what}; commands: ${Object.keys(commands).join(', ')}`);
      }
    }
  } catch (error) {
    return reportError(error, printer);
  }
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
