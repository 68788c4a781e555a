import type { FastifyError, FastifyInstance, FastifyPluginAsync, FastifyReply } from 'fastify';
import { SchemaRegistry } from '../runtime/schema-registry.js';
import type { CustomChannelOutgoingMessage, CustomChannelWebhookPayload } from '../schemas/generated/row-types.js';
import { bearerTokenChecker } from '../runtime/bearer-token.js';
import { formatIssues } from '../runtime/schema-issues.js';
import { CustomChannelValidator, tokenProblems, type IdType } from '../connectors/respond-io/custom-channel-rules.js';
import type { SimulatorPlugin, SimulatorPluginOptions } from './options.js';

/** A Custom Channel as respond.io knows it: what its dialog shows. */
export interface SimulatedChannel {
  channelId: string;
  apiToken: string;
  idType: IdType;
}

export interface RecordedWebhook {
  channelId: string;
  payload: CustomChannelWebhookPayload;
  receivedAt: number;
}

/** What the simulated webhook accepted, in arrival order (respond.io would show these in its inbox). */
export class WebhookRecorder {
  readonly received: RecordedWebhook[] = [];

  /** Every accepted event, flattened, with its contact. */
  events(channelId?: string): Array<CustomChannelWebhookPayload['events'][number] & { contactId: string }> {
    return this.received
      .filter((entry) => channelId === undefined || entry.channelId === channelId)
      .flatMap((entry) => entry.payload.events.map((event) => ({ ...event, contactId: entry.payload.contactId })));
  }

  clear(): void {
    this.received.length = 0;
  }
}

export interface CustomChannelWebhookOptions {
  channels: readonly SimulatedChannel[];
  recorder: WebhookRecorder;
  registry?: SchemaRegistry;
  /** Wall clock for receivedAt (default Date.now). */
  now?: () => number;
}

function sendError(reply: FastifyReply, status: number, message: string): FastifyReply {
  return reply.code(status).send({ error: { message } });
}

/**
 * respond.io's side of `POST /custom/channel/webhook/`: the Bearer token picks the channel, the body must be for
 * that channel and pass every rule of seed 002 (the same schema our webhook client checks before sending), and an
 * accepted payload is recorded and answered 200 "OK" as the seed shows.
 */
export const customChannelWebhookPlugin: FastifyPluginAsync<CustomChannelWebhookOptions> = async (app: FastifyInstance, options) => {
  const validator = new CustomChannelValidator(options.registry ?? SchemaRegistry.load());
  const channels = options.channels.map((channel) => ({ channel, check: bearerTokenChecker(channel.apiToken) }));
  const now = options.now ?? Date.now;

  app.setErrorHandler((error: FastifyError, _request, reply) => {
    const status = error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
    return sendError(reply, status, status < 500 ? error.message : 'Internal server error');
  });

  const handler = async (request: import('fastify').FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
    const results = channels.map(({ channel, check }) => ({ channel, result: check(request.headers.authorization) }));
    const match = results.find(({ result }) => result === 'ok');
    const first = results[0]?.result;
    if (!match) return sendError(reply, 401, tokenProblems[first === undefined || first === 'ok' ? 'wrong' : first]);
    const checked = validator.webhookPayload(request.body, { channelId: match.channel.channelId, idType: match.channel.idType });
    if (!checked.ok) return sendError(reply, 400, formatIssues(checked.issues));
    options.recorder.received.push({ channelId: match.channel.channelId, payload: checked.value, receivedAt: now() });
    return reply.code(200).type('application/json').send('"OK"');
  };
  // The seed writes the URL with a trailing slash; accept it without too, as a lenient server would.
  app.post('/custom/channel/webhook/', handler);
  app.post('/custom/channel/webhook', handler);
};

/** The webhook as an extra plugin of buildSimulator({ plugins: [...] }); the simulator's own API token is not used. */
export function customChannelSimulatorPlugin(options: CustomChannelWebhookOptions): SimulatorPlugin {
  const plugin: FastifyPluginAsync<SimulatorPluginOptions> = async (app) => {
    await app.register(customChannelWebhookPlugin, options);
  };
  return plugin;
}

export interface OutgoingCall {
  /** The channel's API Base URL: `/message` is appended, as respond.io does. */
  baseUrl: string;
  apiToken: string;
  body: CustomChannelOutgoingMessage | Record<string, unknown>;
  timeoutMs?: number;
}

/**
 * Plays respond.io sending a message out: POST <API Base URL>/message with the channel's Bearer token, as in seed
 * 002's cURL sample. Answers the status and the parsed body (`{ mId }` or `{ error: { message } }`).
 */
export async function playOutgoingMessage(call: OutgoingCall): Promise<{ statusCode: number; body: unknown }> {
  const url = `${call.baseUrl.replace(/\/+$/, '')}/message`;
  const response = await fetch(url, {
    method: 'POST',
    headers: { authorization: `Bearer ${call.apiToken}`, 'cache-control': 'no-cache', 'content-type': 'application/json' },
    body: JSON.stringify(call.body),
    signal: AbortSignal.timeout(call.timeoutMs ?? 10_000),
  });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { statusCode: response.status, body };
}
