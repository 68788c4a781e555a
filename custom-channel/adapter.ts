import type { Logger } from '../runtime/logger.js';
import type { CustomChannelOutgoingMessage } from '../schemas/generated/row-types.js';

/** A message respond.io sent out, validated against seed 002 and this channel's ID type. */
export type OutgoingMessage = CustomChannelOutgoingMessage;

export interface AdapterContext {
  /** Aborted when the request that brought the message goes away or the server closes. */
  signal: AbortSignal;
  logger: Logger;
}

/**
 * Where an outgoing message goes: the messaging provider, or something that will hand it over. `send` resolves with
 * the provider's message id once the message is safely accepted (respond.io is answered 200 only then), or rejects
 * with a ProviderFailure saying what respond.io should be told.
 */
export interface ProviderAdapter {
  readonly name: string;
  send(message: OutgoingMessage, context: AdapterContext): Promise<{ mId: string }>;
  /** Releases files and sockets; called once when the server closes. */
  close?(): Promise<void> | void;
}

/**
 * A typed adapter failure: `status` is what respond.io is answered (4xx: the provider refused this message, resending
 * will not help; 5xx: the provider could not be reached or failed). `message` is shown to respond.io users, so it
 * carries no secret; the cause stays off enumeration.
 */
export class ProviderFailure extends Error {
  readonly status: number;

  constructor(status: number, message: string, options?: { cause?: unknown }) {
    super(message);
    this.name = 'ProviderFailure';
    this.status = Number.isInteger(status) && status >= 400 && status <= 599 ? status : 502;
    if (options?.cause !== undefined) Object.defineProperty(this, 'cause', { value: options.cause, enumerable: false });
  }
}

/** respond.io keeps the mId of a message (seed 002: unique, at most 50 characters). */
export const MAX_MID_LENGTH = 50;
