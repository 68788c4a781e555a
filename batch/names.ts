import type { ErrorCode } from '../runtime/error-codes.js';
import { ConfigurationError } from '../runtime/errors.js';

/**
 * How messages name a file batch's files and options: the CLI's flags (`--input`), or the library's request fields
 * (`rows.file`), so that each caller is told what to change in the words it typed.
 */
export interface BatchNames {
  input: string;
  output: string;
  checkpoint: string;
  /** How to throw a journal away and start over. */
  restart: string;
  /** How to resume: the same command, or the same call. */
  again: string;
}

/**
 * A file batch refused before any row is read: an input that cannot be read, an output that cannot be written, a
 * journal of another run. The library reports it as it is; the CLI as a usage error (exit 2) with the same text.
 */
export class BatchFileError extends ConfigurationError {
  constructor(code: Extract<ErrorCode, 'RC_INVALID_OPTION' | 'RC_CHECKPOINT_MISMATCH'>, message: string) {
    super(code, message);
  }
}

/** ENOENT, EACCES…: the error's code, else its message. */
export const reasonOf = (error: unknown): string => (error as NodeJS.ErrnoException).code ?? (error as Error).message;
