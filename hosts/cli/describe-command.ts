import type { Plugin } from '../../runtime/plugin.js';
import { parseFlags } from './args.js';
import { describeText } from './describe-text.js';
import { ExitCode, PROGRAM, type CliIo } from './io.js';

export const describeHelp = `Usage: ${PROGRAM} describe [connector] [--json]

Shows the connectors of the plugin: badges (version, agent restriction, processing type, multi-input step),
Connection and Settings fields (secret fields marked; allowed values and default), input and output columns.

  connector   an id (get-contact) or display name ("Respond.io - Get Contact"); all connectors when left out
  --json      print ConnectorDescription objects with every schema resolved (an array without a connector,
              one object with one)
  -h, --help  this help
`;

export async function describeCommand(argv: readonly string[], io: CliIo, loadPlugin: () => Promise<Plugin>): Promise<number> {
  const { values, positionals } = parseFlags('describe', argv, { json: { type: 'boolean' } }, 1);
  if (values.help === true) {
    io.stdout.write(describeHelp);
    return ExitCode.ok;
  }
  const plugin = await loadPlugin();
  const [name] = positionals;
  const connectors = name === undefined ? plugin.listConnectors() : [plugin.describe(name)];
  if (values.json === true) {
    io.stdout.write(JSON.stringify(name === undefined ? connectors : connectors[0], null, 2) + '\n');
  } else {
    io.stdout.write(connectors.map(describeText).join('\n'));
  }
  return ExitCode.ok;
}
