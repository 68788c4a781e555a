import { parseFlags, type FlagSpecs } from './args.js';
import { startSimulator } from '../../simulator/app.js';
import { FaultSpecError, parseFaultSpec } from '../../simulator/fault-spec.js';
import { defaultToken, SimulatorOptionError, type StartOptions } from '../../simulator/options.js';
import { customChannelSimulatorPlugin, WebhookRecorder } from '../../simulator/custom-channel.js';
import type { IdType } from '../../connectors/respond-io/custom-channel-rules.js';

export interface SimulateIo {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  /** Stops the simulator like SIGINT does (tests). */
  signal?: AbortSignal;
}

const DEFAULT_CHANNEL_ID = 'sim-channel';

const simulateFlags: FlagSpecs = {
  port: { type: 'string' },
  host: { type: 'string' },
  seed: { type: 'string' },
  contacts: { type: 'string' },
  limits: { type: 'string' },
  faults: { type: 'string' },
  token: { type: 'string' },
  'channel-id': { type: 'string' },
  'channel-id-type': { type: 'string' },
};

const USAGE = `Usage: respondio-connectors simulate [options]
  --port N             port to listen on (default 0: a free one)
  --host H             address to bind (default 127.0.0.1)
  --seed S             data, fault and token seed (default 1)
  --contacts N         contacts to generate (default 5000)
  --limits MODE        documented (seed 003 table, default) | off
  --faults SPEC        e.g. rate=0.2,kinds=500+502+503+504+reset+slow+truncated+429,latency=20-80,slowMs=20000
  --token T            accept this token instead of the seed's dev token
  --channel-id ID      the simulated Custom Channel's Channel ID (default ${DEFAULT_CHANNEL_ID}); its API Token is the
                       token above and its webhook POST <origin>/custom/channel/webhook/, so Send Event runs offline
  --channel-id-type T  phone (default) or custom: the channel's ID type
Prints one JSON line {"baseUrl","token","webhookUrl","channel",…} then a human line; stops on SIGINT/SIGTERM.
`;

/** `respondio-connectors simulate`: runs until SIGINT/SIGTERM (or io.signal); resolves with the exit code. */
export async function runSimulate(argv: string[], io: SimulateIo): Promise<number> {
  let options: SimulateOptions;
  try {
    const parsed = parseOptions(argv);
    if (parsed === 'help') {
      io.stdout.write(USAGE);
      return 0;
    }
    options = parsed;
  } catch (error) {
    io.stderr.write(`simulate: ${(error as Error).message}\n${USAGE}`);
    return 2;
  }

  const channel = { channelId: options.channelId, apiToken: options.token ?? defaultToken(options.seed ?? 1), idType: options.channelIdType };
  let simulator;
  try {
    simulator = await startSimulator({ ...options.start, plugins: [customChannelSimulatorPlugin({ channels: [channel], recorder: new WebhookRecorder() })] });
  } catch (error) {
    const message = error instanceof SimulatorOptionError ? error.message : `cannot start: ${(error as Error).message}`;
    io.stderr.write(`simulate: ${message}\n`);
    return error instanceof SimulatorOptionError ? 2 : 1;
  }
  const { baseUrl, token, data } = simulator;
  const webhookUrl = `${new URL(baseUrl).origin}/custom/channel/webhook/`;
  const channelInfo = { channelId: channel.channelId, idType: channel.idType };
  io.stdout.write(`${JSON.stringify({ baseUrl, token, webhookUrl, channel: channelInfo, seed: data.seed, contacts: data.contacts.length, messages: data.messageCount })}\n`);
  const sample = data.contacts[0];
  io.stdout.write(
    `respond.io simulator listening on ${baseUrl} (token ${token}; ${data.contacts.length} contacts${sample ? `, e.g. id:${sample.id}` : ''}); ` +
      `Custom Channel ${channel.channelId} (${channel.idType}) webhook ${webhookUrl}. Ctrl+C to stop.\n`,
  );

  await new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      io.signal?.removeEventListener('abort', stop);
      resolve();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    if (io.signal?.aborted) stop();
    else io.signal?.addEventListener('abort', stop, { once: true });
  });
  await simulator.close();
  io.stderr.write('simulate: stopped\n');
  return 0;
}

interface SimulateOptions {
  start: StartOptions;
  token?: string | undefined;
  seed?: number | undefined;
  channelId: string;
  channelIdType: IdType;
}

function parseOptions(argv: string[]): SimulateOptions | 'help' {
  const parsed = parseFlags('simulate', argv, simulateFlags, 0);
  const text = (name: string): string | undefined => (typeof parsed.values[name] === 'string' ? (parsed.values[name] as string) : undefined);
  const values = {
    help: parsed.values.help === true,
    port: text('port'),
    host: text('host'),
    seed: text('seed'),
    contacts: text('contacts'),
    limits: text('limits'),
    faults: text('faults'),
    token: text('token'),
    'channel-id': text('channel-id'),
    'channel-id-type': text('channel-id-type'),
  };
  if (values.help) return 'help';
  const options: StartOptions = {};
  if (values.port !== undefined) options.port = integerFlag('--port', values.port, 0, 65_535);
  if (values.host !== undefined) options.host = values.host;
  if (values.seed !== undefined) options.seed = integerFlag('--seed', values.seed, 0, 0xffffffff);
  if (values.contacts !== undefined) options.contacts = integerFlag('--contacts', values.contacts, 1, 1_000_000);
  if (values.token !== undefined) options.token = values.token;
  if (values.limits !== undefined) {
    if (values.limits !== 'documented' && values.limits !== 'off') throw new Error(`--limits must be documented or off, got "${values.limits}"`);
    options.limits = values.limits === 'off' ? false : 'documented';
  }
  if (values.faults !== undefined) {
    try {
      const spec = parseFaultSpec(values.faults);
      options.faults = spec.faults;
      if (spec.latencyMs) options.latencyMs = spec.latencyMs;
    } catch (error) {
      if (error instanceof FaultSpecError) throw new Error(`--faults: ${error.message}`);
      throw error;
    }
  }
  const idType = values['channel-id-type'] ?? 'phone';
  if (idType !== 'phone' && idType !== 'custom') throw new Error(`--channel-id-type must be phone or custom, got "${idType}"`);
  return { start: options, token: options.token, seed: options.seed, channelId: values['channel-id'] ?? DEFAULT_CHANNEL_ID, channelIdType: idType === 'phone' ? 'Phone Number' : 'Custom ID' };
}

function integerFlag(flag: string, text: string, min: number, max: number): number {
  const value = Number(text);
  if (!/^[0-9]+$/.test(text) || value < min || value > max) throw new Error(`${flag} must be an integer from ${min} to ${max}, got "${text}"`);
  return value;
}
