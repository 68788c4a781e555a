import { readFile } from 'node:fs/promises';
import { UsageError } from './io.js';

export const TOKEN_ENV = 'RESPONDIO_TOKEN';

export interface SecretSource {
  /** --token-file: wins over the environment, being the more explicit. */
  file: string | undefined;
  /** The environment variable read otherwise. */
  envName: string;
  env: Record<string, string | undefined>;
  /** The command whose usage error it is. */
  command: string;
  /** What to say when neither gives a value. */
  missing: string;
}

/**
 * A secret of the command line (the respond.io token, a Custom Channel's API Token): from a file (trimmed) or an
 * environment variable, never from a flag's value (argv is public: `ps`, shell history). No message quotes it.
 */
export async function readSecret(source: SecretSource): Promise<string> {
  if (source.file !== undefined) {
    let text: string;
    try {
      text = await readFile(source.file, 'utf8');
    } catch (error) {
      throw new UsageError(`--token-file ${JSON.stringify(source.file)} cannot be read: ${(error as NodeJS.ErrnoException).code ?? 'error'}`, source.command);
    }
    const secret = text.trim();
    if (secret === '') throw new UsageError(`--token-file ${JSON.stringify(source.file)} is empty`, source.command);
    return secret;
  }
  const secret = source.env[source.envName]?.trim();
  if (secret) return secret;
  throw new UsageError(source.missing, source.command);
}

/** The respond.io token of `run`: --token-file, else RESPONDIO_TOKEN. */
export function resolveToken(tokenFile: string | undefined, env: Record<string, string | undefined>): Promise<string> {
  return readSecret({ file: tokenFile, envName: TOKEN_ENV, env, command: 'run', missing: `no respond.io token: set ${TOKEN_ENV} or pass --token-file FILE (a file holding only the token)` });
}
