import nock from 'nock';
import { createRespondIoClient, type RespondIoClient, type RespondIoClientOptions } from '../../connectors/respond-io/index.js';
import type { Logger } from '../../runtime/logger.js';
import { FakeClock } from '../helpers/fake-clock.js';

/** A recognisable fake token: every test asserts it never shows up in an error or a log line. */
export const TOKEN = 'tok_FAKE_respondio_7c1e9a0b5d3f';
export const BASE_URL = 'https://api.respond.io/v2';
export const ORIGIN = 'https://api.respond.io';

/** respond.io bodies, shaped as respondio-api.md shows them (SDK / MCP reference / n8n node). */
export const contactBody = {
  id: 12345, firstName: 'John', lastName: 'Doe', phone: '+60123456789', email: 'john@example.com', language: 'en',
  profilePic: 'https://cdn.respond.io/avatars/12345.png', countryCode: 'MY', status: 'open', tags: ['vip', 'premium'],
  assignee: { id: 456, firstName: 'Jane', lastName: 'Smith', email: 'jane@example.com' }, lifecycle: 'Hot Lead',
  created_at: 1663274081, custom_fields: [{ name: 'order_id', value: 'A-17' }],
};

export const messageBody = {
  messageId: 1262965213, channelMessageId: '123', contactId: 12345, channelId: 5678, traffic: 'outgoing',
  message: { type: 'text', text: 'Hello!' }, status: [{ value: 'delivered', timestamp: 1662965213 }],
  sender: { source: 'user', userId: 456 },
};

export const notFound = { code: 404, message: 'Contact not found' };

export function api(): nock.Scope {
  return nock(ORIGIN);
}

/** A client on a fresh fake clock (time jumps on every sleep unless `manual`), fixed jitter, recording logs. */
export function testClient(options: Partial<RespondIoClientOptions> & { manual?: boolean } = {}): { client: RespondIoClient; clock: FakeClock; logs: unknown[] } {
  const { manual, ...rest } = options;
  const clock = new FakeClock({ autoAdvance: !manual });
  const logs: unknown[] = [];
  const record = (level: string) => (object: object, message?: string) => logs.push({ level, object, message });
  const logger: Logger = { debug: record('debug'), info: record('info'), warn: record('warn'), error: record('error') };
  const client = createRespondIoClient({ token: TOKEN, baseUrl: BASE_URL, clock, random: () => 0.5, logger, ...rest });
  return { client, clock, logs };
}

/** Runs `promise`, expecting it to reject; returns the error (fails loudly when it resolves). */
export async function failure(promise: Promise<unknown>): Promise<Error & { code?: string; statusCode?: number }> {
  try {
    await promise;
  } catch (error) {
    return error as Error & { code?: string; statusCode?: number };
  }
  throw new Error('expected a rejection, but the promise resolved');
}
