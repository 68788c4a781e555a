import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { integerFlag, oneOf, parseFlags, type FlagSpecs } from './args.js';
import { ExitCode, PROGRAM, UsageError, type CliIo } from './io.js';
import { readSecret } from './token.js';
import type { ProviderAdapter } from '../../custom-channel/adapter.js';
import { createForwardAdapter } from '../../custom-channel/forward-adapter.js';
import { createOutboxAdapter, DEFAULT_DEDUPE_WINDOW_MS } from '../../custom-channel/outbox-adapter.js';
import { DEFAULT_BODY_LIMIT } from '../../custom-channel/options.js';
import { buildCustomChannelServer } from '../../custom-channel/server.js';
import type { IdType } from '../../connectors/respond-io/custom-channel-rules.js';

const COMMAND = 'custom-channel';
export const CHANNEL_TOKEN_ENV = 'RESPONDIO_CHANNEL_TOKEN';

export const customChannelHelp = `Usage: ${PROGRAM} ${COMMAND} --channel-id ID --id-type phone|custom [options]

Serves respond.io's Custom Channel: POST <prefix>/message, the URL you enter as the channel's "API Base URL"
(without /message). Each message respond.io sends out is checked (token, seed 002's rules) and handed to an adapter;
respond.io gets 200 { "mId": … } only once the adapter accepted it.

Channel (from respond.io's Custom Channel dialog):
  --channel-id ID           Channel ID (or env RESPONDIO_CHANNEL_ID)
  --id-type phone|custom    the channel's ID type: Phone Number or Custom ID (or env RESPONDIO_CHANNEL_ID_TYPE)
  --token-env NAME          environment variable holding the API Token (default ${CHANNEL_TOKEN_ENV})
  --token-file FILE         a file holding only the API Token (wins over --token-env)
                            (there is no --token flag: argv is visible to every user through ps)

Adapter:
  --adapter outbox|forward  default outbox
  --outbox FILE             outbox: the NDJSON file to append to (default ./custom-channel-outbox.ndjson)
  --dedupe-window SECONDS   outbox: a resend of the same message within this window keeps its mId (default ${DEFAULT_DEDUPE_WINDOW_MS / 1000})
  --forward-url URL         forward: the provider endpoint to POST each message to
  --forward-token-env NAME  forward: environment variable with a token sent to the provider as a Bearer token
  --forward-retries N       forward: retries on 408/429/5xx/network errors (default 2)
  --forward-timeout MS      forward: per attempt (default 10000)
  --forward-allow-insecure-url  forward: accept a plain http:// URL to a host that is not loopback (warned)

Server:
  --host HOST               default 127.0.0.1 (put a TLS reverse proxy in front; respond.io calls over HTTPS)
  --port PORT               default 3000 (or env PORT)
  --prefix PATH             serve under PATH: POST PATH/message (default: /message)
  --body-limit BYTES        larger bodies get 413 (default ${DEFAULT_BODY_LIMIT})
  --log-level LEVEL         JSON log lines on stdout, one per request and per message handed on: fatal, error,
                            warn, info (default), debug, trace, silent (the token is never logged)
  -h, --help                this help

Stops on SIGINT/SIGTERM after the requests in flight are answered.
`;

const flags: FlagSpecs = {
  'channel-id': { type: 'string' },
  'id-type': { type: 'string' },
  'token-env': { type: 'string' },
  'token-file': { type: 'string' },
  adapter: { type: 'string' },
  outbox: { type: 'string' },
  'dedupe-window': { type: 'string' },
  'forward-url': { type: 'string' },
  'forward-token-env': { type: 'string' },
  'forward-retries': { type: 'string' },
  'forward-timeout': { type: 'string' },
  'forward-allow-insecure-url': { type: 'boolean' },
  host: { type: 'string' },
  port: { type: 'string' },
  prefix: { type: 'string' },
  'body-limit': { type: 'string' },
  'log-level': { type: 'string' },
};

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** Flags that would put a secret in argv, refused with the way to do it instead. */
const refused = ['token', 'api-token', 'forward-token'];

export interface CustomChannelIo extends CliIo {
  /** Called once listening, with the full URL of POST …/message (tests read the port from it). */
  onListening?: (messageUrl: string) => void;
}

/**
 * `respondio-connectors custom-channel …`: builds the server from flags and environment, listens until io.signal
 * aborts (or SIGINT/SIGTERM when no signal is given), then closes gracefully. Returns the exit code (0 stopped
 * cleanly · 2 usage or configuration error); never exits the process and never prints the token.
 */
export async function runCustomChannel(argv: string[], io: CustomChannelIo): Promise<number> {
  try {
    for (const arg of argv) {
      const name = arg.startsWith('--') ? arg.slice(2).split('=')[0] : undefined;
      if (name !== undefined && refused.includes(name)) {
        throw new UsageError(`--${name} is refused: a token in argv is visible through ps and stays in shell history; use --${name === 'forward-token' ? 'forward-token-env NAME' : 'token-env NAME or --token-file FILE'}`, COMMAND);
      }
    }
    const { values } = parseFlags(COMMAND, argv, flags, 0);
    if (values.help === true) {
      io.stdout.write(customChannelHelp);
      return ExitCode.ok;
    }
    const text = (flag: string): string | undefined => (typeof values[flag] === 'string' ? (values[flag] as string) : undefined);

    const channelId = text('channel-id') ?? io.env.RESPONDIO_CHANNEL_ID;
    if (!channelId) throw new UsageError('--channel-id is required (or set RESPONDIO_CHANNEL_ID)', COMMAND);
    const idTypeText = text('id-type') ?? io.env.RESPONDIO_CHANNEL_ID_TYPE;
    if (!idTypeText) throw new UsageError('--id-type is required: phone (Phone Number) or custom (Custom ID), as chosen when the channel was created', COMMAND);
    const idType = parseIdType(idTypeText);
    const envName = text('token-env') ?? CHANNEL_TOKEN_ENV;
    const apiToken = await readSecret({
      file: text('token-file'),
      envName,
      env: io.env,
      command: COMMAND,
      missing: `no API Token: set ${envName} (or pass --token-file FILE) to the token of respond.io's Custom Channel dialog`,
    });
    const port = integerFlag(COMMAND, 'port', text('port') ?? io.env.PORT ?? '3000', 0, 65535);
    const host = text('host') ?? '127.0.0.1';
    const bodyLimit = integerFlag(COMMAND, 'body-limit', text('body-limit') ?? String(DEFAULT_BODY_LIMIT), 1024, 16 * 1024 * 1024);
    const prefix = text('prefix');
    const level = oneOf(COMMAND, 'log-level', text('log-level') ?? 'info', LOG_LEVELS);
    // Last of the checks: the outbox adapter opens its file. From here the server owns it and closes it.
    const adapter = await buildAdapter(text, io.env, values['forward-allow-insecure-url'] === true);

    const app = await buildCustomChannelServer({
      channelId,
      apiToken,
      idType,
      adapter,
      bodyLimit,
      ...(prefix !== undefined ? { prefix } : {}),
      logger: { level, stream: io.stdout },
    }).catch(async (error: unknown) => {
      await adapter.close?.();
      throw error;
    });
    const stop = stopSignal(io.signal);
    try {
      await app.listen({ port, host });
      const address = app.server.address();
      const actualPort = typeof address === 'object' && address !== null ? address.port : port;
      const shownHost = host.includes(':') ? `[${host}]` : host;
      const url = `http://${shownHost}:${actualPort}${routePath(prefix)}`;
      io.stdout.write(`custom channel ${channelId} (ID type ${idType}, adapter ${adapter.name}) listening: POST ${url}\n`);
      io.onListening?.(url);
      await stop.promise;
    } finally {
      stop.dispose();
      await app.close();
    }
    return ExitCode.ok;
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(`${PROGRAM} ${COMMAND}: ${error.message}\nSee '${PROGRAM} ${COMMAND} --help'.\n`);
      return ExitCode.usage;
    }
    // Option checks of the adapters and the plugin throw RangeError with a message naming the option.
    if (error instanceof RangeError) {
      io.stderr.write(`${PROGRAM} ${COMMAND}: ${error.message}\n`);
      return ExitCode.usage;
    }
    throw error;
  }
}

function routePath(prefix: string | undefined): string {
  const clean = (prefix ?? '').replace(/^\/+|\/+$/g, '');
  return clean === '' ? '/message' : `/${clean}/message`;
}

function parseIdType(value: string): IdType {
  const word = value.trim().toLowerCase().replace(/[\s_-]+/g, ' ');
  if (word === 'phone' || word === 'phone number') return 'Phone Number';
  if (word === 'custom' || word === 'custom id') return 'Custom ID';
  throw new UsageError(`--id-type must be phone (Phone Number) or custom (Custom ID), got ${JSON.stringify(value)}`, COMMAND);
}


async function buildAdapter(text: (flag: string) => string | undefined, env: Record<string, string | undefined>, allowInsecure: boolean): Promise<ProviderAdapter> {
  const kind = oneOf(COMMAND, 'adapter', text('adapter') ?? 'outbox', ['outbox', 'forward'] as const);
  if (kind === 'outbox') {
    const file = resolve(text('outbox') ?? 'custom-channel-outbox.ndjson');
    await checkWritableFolder(file);
    const seconds = integerFlag(COMMAND, 'dedupe-window', text('dedupe-window') ?? String(DEFAULT_DEDUPE_WINDOW_MS / 1000), 0, 7 * 24 * 3600);
    return createOutboxAdapter({ file, dedupeWindowMs: seconds * 1000 });
  }
  const url = text('forward-url');
  if (url === undefined) throw new UsageError('--adapter forward needs --forward-url URL', COMMAND);
  const tokenEnv = text('forward-token-env');
  const providerToken = tokenEnv === undefined ? undefined : env[tokenEnv]?.trim();
  if (tokenEnv !== undefined && !providerToken) throw new UsageError(`--forward-token-env ${tokenEnv}: that environment variable is empty`, COMMAND);
  return createForwardAdapter({
    url,
    retries: integerFlag(COMMAND, 'forward-retries', text('forward-retries') ?? '2', 0, 10),
    timeoutMs: integerFlag(COMMAND, 'forward-timeout', text('forward-timeout') ?? '10000', 1, 600_000),
    ...(providerToken ? { headers: { authorization: `Bearer ${providerToken}` } } : {}),
    allowInsecureUrl: allowInsecure,
  });
}

/** The outbox is created on the first message: a folder that is missing or read-only is a usage error now, not then. */
async function checkWritableFolder(file: string): Promise<void> {
  const folder = dirname(file);
  try {
    await access(folder, constants.W_OK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'does not exist (create it first)' : code === 'EACCES' ? 'is not writable' : `cannot be used (${code ?? 'error'})`;
    throw new UsageError(`--outbox ${JSON.stringify(file)}: the folder ${JSON.stringify(folder)} ${why}`, COMMAND);
  }
}

/** Resolves on io.signal's abort, or on SIGINT/SIGTERM when the caller gave no signal. */
function stopSignal(signal: AbortSignal | undefined): { promise: Promise<void>; dispose: () => void } {
  let dispose = (): void => {};
  const promise = new Promise<void>((resolveStop) => {
    if (signal) {
      if (signal.aborted) return resolveStop();
      const onAbort = (): void => resolveStop();
      signal.addEventListener('abort', onAbort, { once: true });
      dispose = () => signal.removeEventListener('abort', onAbort);
      return;
    }
    const onSignal = (): void => resolveStop();
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    dispose = () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    };
  });
  return { promise, dispose };
}
