import { errorCodes, type ErrorCode } from './error-codes.js';

/** Base of every error the plugin throws on purpose: a stable `code`, a message safe to log (never a secret). */
export class ConnectorsError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message);
    this.name = new.target.name;
    this.code = code;
    // The cause can be a got error holding request options (headers with the token): keep it off enumeration
    // so that logging or JSON-serialising this error never prints it.
    if (options?.cause !== undefined) Object.defineProperty(this, 'cause', { value: options.cause, enumerable: false });
  }

  get kind(): 'configuration' | 'row' {
    return errorCodes[this.code].kind;
  }

  toJSON(): { code: ErrorCode; message: string } {
    return { code: this.code, message: this.message };
  }
}

/** Makes every row fail the same way (no token, unknown connector, bad setting): the run stops in every setting. */
export class ConfigurationError extends ConnectorsError {}

/** One row failed. `statusCode` goes to the error row's StatusCode column. */
export class RowError extends ConnectorsError {
  readonly statusCode: number;

  constructor(code: ErrorCode, statusCode: number, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.statusCode = statusCode;
  }
}

export function isConnectorsError(value: unknown): value is ConnectorsError {
  return value instanceof ConnectorsError;
}
