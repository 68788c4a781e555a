import { parseArgs } from 'node:util';
import { UsageError } from './io.js';

export interface FlagSpec {
  type: 'string' | 'boolean';
  short?: string;
  /** Repeatable: the values come as a list. */
  multiple?: boolean;
}

export type FlagSpecs = Record<string, FlagSpec>;

export interface ParsedArgs {
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
}

/** Flags refused outright, each with the reason: a secret in argv shows in `ps` and in shell history. */
const refusedFlags: Record<string, string> = {
  token:
    'a token on the command line is visible to every user of the machine (ps) and stays in the shell history; ' +
    'set RESPONDIO_TOKEN or pass --token-file FILE instead',
};

/**
 * node's util.parseArgs in strict mode, with messages of our own: they name the flag and never echo the text that
 * follows `=` (it could be a secret typed into the wrong flag).
 */
export function parseFlags(command: string, argv: readonly string[], specs: FlagSpecs, maxPositionals: number): ParsedArgs {
  for (const arg of argv) {
    if (arg === '--') break;
    const name = arg.startsWith('--') ? arg.slice(2).split('=')[0] ?? '' : undefined;
    // A command that declares the flag itself means something else by it (simulate --token: the simulator's own).
    if (name !== undefined && refusedFlags[name] !== undefined && !Object.hasOwn(specs, name)) {
      throw new UsageError(`--${name} is refused: ${refusedFlags[name]}`, command);
    }
  }
  let parsed: ParsedArgs;
  try {
    const { values, positionals } = parseArgs({ args: [...argv], options: { ...specs, help: { type: 'boolean', short: 'h' } }, strict: true, allowPositionals: true });
    parsed = { values: values as ParsedArgs['values'], positionals };
  } catch (error) {
    throw new UsageError(describeParseError(error, specs), command);
  }
  if (parsed.values.help !== true && parsed.positionals.length > maxPositionals) {
    const extra = parsed.positionals.slice(maxPositionals).map((p) => JSON.stringify(p)).join(' ');
    throw new UsageError(`unexpected argument${parsed.positionals.length - maxPositionals > 1 ? 's' : ''} ${extra}`, command);
  }
  return parsed;
}

function describeParseError(error: unknown, specs: FlagSpecs): string {
  const { code, message } = error as { code?: string; message?: string };
  const text = message ?? String(error);
  const flag = /'(-{1,2}[^' =<]+)/.exec(text)?.[1];
  const known = Object.entries(specs)
    .map(([name, spec]) => (spec.short ? `--${name} (-${spec.short})` : `--${name}`))
    .concat('--help (-h)')
    .join(', ');
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return `unknown flag ${flag ?? '(unreadable)'}; known flags: ${known}`;
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    if (/argument missing|ambiguous/.test(text)) return `${flag ?? 'a flag'} needs a value (write --flag=VALUE for a value starting with "-")`;
    if (/does not take an argument/.test(text)) return `${flag ?? 'a flag'} is a switch and takes no value`;
  }
  return text.split('\n')[0] ?? text;
}

/** A flag whose value must be one of a few words. */
export function oneOf<T extends string>(command: string, flag: string, value: string, allowed: readonly T[]): T {
  const found = allowed.find((candidate) => candidate === value.toLowerCase());
  if (found === undefined) throw new UsageError(`--${flag} must be one of ${allowed.join(', ')} (got ${JSON.stringify(value)})`, command);
  return found;
}

/** A flag whose value must be a whole number in a range. */
export function integerFlag(command: string, flag: string, value: string, min: number, max: number): number {
  const number = /^\d+$/.test(value.trim()) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(number) || number < min || number > max) {
    throw new UsageError(`--${flag} must be an integer from ${min} to ${max} (got ${JSON.stringify(value)})`, command);
  }
  return number;
}
