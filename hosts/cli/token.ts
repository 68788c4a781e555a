import { readFile } from 'node:fs/promises';
import { UsageError } from './io.js';

export const TOKEN_ENV = 'RESPONDIO_TOKEN';

/**
 * The respond.io token: from --token-file (trimmed; the file wins, being the more explicit) or from the
 * RESPONDIO_TOKEN environment variable. Never from a flag's value (argv is public: `ps`, shell history).
 * No message here ever quotes the token.
 */
export async function resolveToken(tokenFile: string | undefined, env: Record<string, string | undefined>): Promise<string> {
  if (tokenFile !== undefined) {
    let text: string;
    try {
      text = await readFile(tokenFile, 'utf8');
    } catch (error) {
      throw new UsageError(`--token-file ${JSON.stringify(tokenFile)} cannot be read: ${(error as NodeJS.ErrnoException).code ?? 'error'}`, 'run');
    }
    const token = text.trim();
    if (token === '') throw new UsageError(`--token-file ${JSON.stringify(tokenFile)} is empty`, 'run');
    return token;
  }
  const token = env[TOKEN_ENV]?.trim();
  if (token) return token;
  throw new UsageError(`no respond.io token: set ${TOKEN_ENV} or pass --token-file FILE (a file holding only the token)`, 'run');
}
