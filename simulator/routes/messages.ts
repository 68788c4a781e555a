import type { FastifyPluginAsync } from 'fastify';
import { CHANNEL_IDS } from '../data-generate.js';
import type { SimMessageBody } from '../data-types.js';
import { paginate, pageUrl, readPageQuery } from '../pagination.js';
import { messages, sendError } from '../reply.js';
import { isPlainObject, resolveContact, type RoutesOptions } from './context.js';

const MAX_TEXT = 4096;

/** GET /contact/:identifier/message/:messageId, GET …/message/list, POST /contact/:identifier/message */
export const messageRoutes: FastifyPluginAsync<RoutesOptions> = async (app, { data }) => {
  app.get('/contact/:identifier/message/list', async (request, reply) => {
    const page = readPageQuery(request.query);
    if (!page.ok) return sendError(reply, 400, page.message);
    const contact = resolveContact(data, request, reply);
    if (!contact) return reply;
    const newestFirst = [...data.messagesOf(contact.id)].reverse();
    const result = paginate(newestFirst, (m) => m.messageId, page.limit, page.cursorId);
    // This list ends with an empty-string `next` (the contact list uses null): clients must treat both as the end.
    return {
      items: result.items,
      pagination: {
        next: result.next === undefined ? '' : pageUrl(request, page.limit, result.next),
        previous: result.previous === undefined ? '' : pageUrl(request, page.limit, result.previous),
      },
    };
  });

  app.get('/contact/:identifier/message/:messageId', async (request, reply) => {
    const { messageId } = request.params as { messageId: string };
    if (!/^[0-9]{1,18}$/.test(messageId) || Number(messageId) < 1) return sendError(reply, 400, 'messageId must be a positive integer');
    const contact = resolveContact(data, request, reply);
    if (!contact) return reply;
    const message = data.message(Number(messageId));
    if (!message || message.contactId !== contact.id) return sendError(reply, 404, messages.messageNotFound);
    return message;
  });

  app.post('/contact/:identifier/message', async (request, reply) => {
    const parsed = readSendBody(request.body);
    if (typeof parsed === 'string') return sendError(reply, 400, parsed);
    const contact = resolveContact(data, request, reply);
    if (!contact) return reply;
    // Without channelId respond.io uses the contact's last interacted channel.
    const channelId = parsed.channelId ?? data.messagesOf(contact.id).at(-1)?.channelId ?? CHANNEL_IDS[0];
    const message = data.addOutgoingMessage(contact.id, channelId, parsed.message, Math.floor(Date.now() / 1000));
    return { contactId: contact.id, messageId: message.messageId };
  });
};

function readSendBody(body: unknown): { channelId?: number; message: SimMessageBody } | string {
  if (!isPlainObject(body)) return 'Request body must be a JSON object { channelId?, message: { type, … } }';
  const { channelId, message } = body;
  if (channelId !== undefined && channelId !== null && !(typeof channelId === 'number' && Number.isInteger(channelId) && channelId > 0)) {
    return 'channelId must be a positive integer';
  }
  if (!isPlainObject(message)) return 'message must be an object { type, … }';
  if (typeof message.type !== 'string' || message.type === '') return 'message.type is required';
  if (message.type === 'text' && (typeof message.text !== 'string' || message.text === '' || message.text.length > MAX_TEXT)) {
    return `message.text must be a non-empty string of at most ${MAX_TEXT} characters`;
  }
  const result: { channelId?: number; message: SimMessageBody } = { message: { ...message, type: message.type } };
  if (typeof channelId === 'number') result.channelId = channelId;
  return result;
}
