import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Clock } from '../../runtime/clock.js';
import type { SimContact } from '../data-types.js';
import type { SimulatorData } from '../data.js';
import { parseContactIdentifier } from '../identifier.js';
import { messages, sendError } from '../reply.js';

/** What the /v2 route plugins share. */
export interface RoutesOptions {
  data: SimulatorData;
  clock: Clock;
  creatingMs: number;
  /** contactId → clock time it was created through the API (drives the 449 window). */
  createdThroughApi: Map<number, number>;
}

/**
 * Resolves `:identifier` to a contact, or answers 400 (malformed) / 404 (unknown) itself and returns undefined.
 */
export function resolveContact(data: SimulatorData, request: FastifyRequest, reply: FastifyReply): SimContact | undefined {
  const { identifier } = request.params as { identifier: string };
  const parsed = parseContactIdentifier(identifier);
  if (!parsed.ok) {
    sendError(reply, 400, parsed.message);
    return undefined;
  }
  const contact = data.find(parsed.lookup);
  if (!contact) sendError(reply, 404, messages.contactNotFound);
  return contact;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
