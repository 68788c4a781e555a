import { MAX_CONCURRENCY } from '../../runtime/plugin.js';
import { errorBehaviors, parseErrorBehavior, type ErrorBehavior } from '../../runtime/error-behavior.js';
import { integerFlag, oneOf, parseFlags, type FlagSpecs, type ParsedArgs } from './args.js';
import { formatOfPath, formats, type Format } from '../../batch/formats.js';
import { PROGRAM, UsageError } from './io.js';
import { logLevels, type LogLevel } from './stderr-logger.js';

const kebab = (value: string): string => value.toLowerCase().replace(/\s+/g, '-');

export const runHelp = `Usage: ${PROGRAM} run <connector> [options]

Streams rows through a connector: rows in (stdin by default), rows out (stdout by default) in the same format,
in input order. Logs and a final run summary go to stderr.

  connector                 an id (get-contact) or display name ("Respond.io - Get Contact")
  -i, --input FILE|-        input rows (default - = stdin)
  -o, --output FILE|-       output rows (default - = stdout)
  -f, --format FORMAT       ${formats.join(' | ')} for input and output (default: each from its file's extension
                            .ndjson/.jsonl/.json/.csv; the output, when it has none, in the input's format;
                            else ndjson); NDJSON = one JSON object per line, json = one JSON array,
                            csv = a header row of column names
  --error-behavior VALUE    ${errorBehaviors.map(kebab).join(' | ')}
                            (or the exact spelling, e.g. "Fail and return response"; default fail-and-return-response)
  --concurrency N           calls in flight at most, 1-${MAX_CONCURRENCY} (default 8)
  --base-url URL            Connection 'Base URL' (e.g. the offline simulator; default: the RESPONDIO_BASE_URL
                            variable, else respond.io's API)
  --connection 'FIELD=VALUE'  another Connection field, repeatable, e.g. --connection 'Channel ID=gfd8g7fd89dgfd'
                            (see \`describe <connector>\` for the fields; a secret field is refused here)
  --token-file FILE         a file holding the token (default: the RESPONDIO_TOKEN variable); it fills the
                            Connection's secret field: Token, or API Token for the Custom Channel
  --redis-url URL           share respond.io's rate limits with every process pointed at this Redis (default:
                            the RESPONDIO_REDIS_URL variable, else this process only); see README
  --log-level LEVEL         ${logLevels.join(' | ')} (default info)
  --json-summary            the final summary as one JSON line on stderr instead of text
  --checkpoint FILE         journal the run in FILE (needs --input FILE and --output FILE): after a crash or a
                            stop, the same command again resumes after the last committed row, and no row whose
                            output was written is requested again; a finished run removes the journal
  --restart                 with --checkpoint: throw the journal away and start over
  -h, --help                this help

The token is never taken from a flag's value (--token is refused): argv is visible in ps and shell history.
Exit codes: 0 succeeded (with or without error rows), 1 run failed or interrupted, 2 usage or configuration error.
`;

export interface RunOptions {
  connector: string;
  input: string;
  output: string;
  /** The input's format. */
  format: Format;
  outputFormat: Format;
  errorBehavior: ErrorBehavior;
  concurrency: number | undefined;
  baseUrl: string | undefined;
  /** --connection FIELD=VALUE pairs, in order (checked against the connector's Connection schema later). */
  connectionFields: [string, string][];
  tokenFile: string | undefined;
  /** --redis-url: the shared rate budget's Redis. */
  redisUrl: string | undefined;
  logLevel: LogLevel;
  jsonSummary: boolean;
  /** The checkpoint journal's path, when the run is journaled. */
  checkpoint: string | undefined;
  restart: boolean;
}

const specs: FlagSpecs = {
  input: { type: 'string', short: 'i' },
  output: { type: 'string', short: 'o' },
  format: { type: 'string', short: 'f' },
  'error-behavior': { type: 'string' },
  concurrency: { type: 'string' },
  'base-url': { type: 'string' },
  connection: { type: 'string', multiple: true },
  'token-file': { type: 'string' },
  'redis-url': { type: 'string' },
  'log-level': { type: 'string' },
  'json-summary': { type: 'boolean' },
  checkpoint: { type: 'string' },
  restart: { type: 'boolean' },
};

export type RunFlags = ParsedArgs;

/**
 * The run flags, parsed but not yet checked: the token must be known before any value is quoted back in a message
 * (a token pasted into the wrong flag is then scrubbed from it).
 */
export function parseRunFlags(argv: readonly string[]): RunFlags | 'help' {
  const flags = parseFlags('run', argv, specs, 1);
  return flags.values.help === true ? 'help' : flags;
}

export function tokenFileOf(flags: RunFlags): string | undefined {
  const value = flags.values['token-file'];
  return typeof value === 'string' ? value : undefined;
}

/** --redis-url, read before the other flags are checked: the plugin (and its rate budget) is loaded first. */
export function redisUrlOf(flags: RunFlags): string | undefined {
  const value = flags.values['redis-url'];
  return typeof value === 'string' ? value : undefined;
}

/** The run flags, checked: every bad value is a UsageError naming the flag and the allowed values. */
export function checkRunFlags(flags: RunFlags): RunOptions {
  const text = (name: string): string | undefined => {
    const value = flags.values[name];
    return typeof value === 'string' ? value : undefined;
  };
  const [connector] = flags.positionals;
  if (connector === undefined) throw new UsageError('which connector? e.g. `run get-contact` (see `describe` for the list)', 'run');
  const input = text('input') ?? '-';
  const output = text('output') ?? '-';
  const format = text('format');
  const chosen = format === undefined ? undefined : oneOf('run', 'format', format, formats);
  const inputFormat = chosen ?? formatOfPath(input) ?? 'ndjson';
  return {
    connector,
    input,
    output,
    format: inputFormat,
    // `-o out.ndjson` from a .json input writes NDJSON: a file's name says what is in it.
    outputFormat: chosen ?? formatOfPath(output) ?? inputFormat,
    errorBehavior: errorBehaviorFlag(text('error-behavior')),
    concurrency: text('concurrency') === undefined ? undefined : integerFlag('run', 'concurrency', text('concurrency') as string, 1, MAX_CONCURRENCY),
    baseUrl: baseUrlFlag(text('base-url')),
    connectionFields: connectionFlags(flags.values.connection),
    tokenFile: text('token-file'),
    redisUrl: text('redis-url'),
    logLevel: text('log-level') === undefined ? 'info' : oneOf('run', 'log-level', text('log-level') as string, logLevels),
    jsonSummary: flags.values['json-summary'] === true,
    ...checkpointFlags(text('checkpoint'), flags.values.restart === true, input, output),
  };
}

/** A journal resumes a run by reading the input again from a row and cutting the output back: both must be files. */
function checkpointFlags(checkpoint: string | undefined, restart: boolean, input: string, output: string): { checkpoint: string | undefined; restart: boolean } {
  if (checkpoint === undefined) {
    if (restart) throw new UsageError('--restart needs --checkpoint FILE (it throws that journal away)', 'run');
    return { checkpoint, restart };
  }
  if (input === '-') throw new UsageError('--checkpoint needs --input FILE: a resumed run reads the input again, and a pipe cannot be read twice', 'run');
  if (output === '-') throw new UsageError('--checkpoint needs --output FILE: a resumed run cuts the output back to its last committed row, which stdout cannot do', 'run');
  return { checkpoint, restart };
}

function errorBehaviorFlag(value: string | undefined): ErrorBehavior {
  if (value === undefined) return parseErrorBehavior(undefined);
  if (value.trim() === '') throw new UsageError('--error-behavior is empty', 'run');
  try {
    return parseErrorBehavior(value);
  } catch {
    const allowed = errorBehaviors.map((behavior) => `${kebab(behavior)} ("${behavior}")`).join(', ');
    throw new UsageError(`--error-behavior must be one of ${allowed} (got ${JSON.stringify(value)})`, 'run');
  }
}

/** Checked here too, so that the message names the flag; the Connection schema checks it again. */
function baseUrlFlag(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  let ok = false;
  try {
    ok = /^https?:$/.test(new URL(value).protocol);
  } catch {
    ok = false;
  }
  if (!ok) throw new UsageError(`--base-url must be an http:// or https:// URL (got ${JSON.stringify(value)})`, 'run');
  return value;
}

function connectionFlags(values: string | boolean | string[] | undefined): [string, string][] {
  const list = Array.isArray(values) ? values : typeof values === 'string' ? [values] : [];
  return list.map((pair) => {
    const at = pair.indexOf('=');
    // The value is never quoted back: a secret typed here by mistake must not reach the terminal.
    if (at <= 0) throw new UsageError(`--connection takes FIELD=VALUE, e.g. --connection 'Channel ID=gfd8g7fd89dgfd' (got a value without '=' or without a field name)`, 'run');
    return [pair.slice(0, at).trim(), pair.slice(at + 1)];
  });
}

