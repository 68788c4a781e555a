import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { DataConflict, MAX_TAGS } from '../data.js';
import { parseContactIdentifier } from '../identifier.js';
import { paginate, pageUrl, readPageQuery } from '../pagination.js';
import { sendError } from '../reply.js';
import { readContactFields } from './contacts.js';
import { resolveContact, type RoutesOptions } from './context.js';

const MAX_TAG_LENGTH = 255;

/**
 * The contact routes respond.io's n8n node calls besides get / list / create_or_update: POST (create), PUT (update),
 * DELETE a contact, POST / DELETE its tags, GET its channels.
 */
export const contactWriteRoutes: FastifyPluginAsync<RoutesOptions> = async (app, { data, clock, createdThroughApi }) => {
  app.post('/contact/:identifier', async (request, reply) => {
    const { identifier } = request.params as { identifier: string };
    const parsed = parseContactIdentifier(identifier);
    if (!parsed.ok) return sendError(reply, 400, parsed.message);
    if (parsed.lookup.type === 'id') return sendError(reply, 400, 'A contact is created with an email: or phone: identifier, not id:');
    const fields = readContactFields(request.body ?? {});
    if (typeof fields === 'string') return sendError(reply, 400, fields);
    if (typeof fields.firstName !== 'string' || fields.firstName === '') return sendError(reply, 400, 'firstName is required');
    return conflictAware(reply, () => {
      const created = data.create(parsed.lookup as Exclude<typeof parsed.lookup, { type: 'id' }>, fields, Math.floor(Date.now() / 1000));
      if (!created) return sendError(reply, 400, `Contact ${identifier} already exists`);
      createdThroughApi.set(created.id, clock.now()); // GET answers 449 for a moment, as after create_or_update
      // respond.io's own answer to a plain create: a code and a sentence, no contact id.
      return { code: 200, message: 'Contact added successfully!' };
    });
  });

  app.put('/contact/:identifier', async (request, reply) => {
    const fields = readContactFields(request.body ?? {});
    if (typeof fields === 'string') return sendError(reply, 400, fields);
    const contact = resolveContact(data, request, reply);
    if (!contact) return reply;
    return conflictAware(reply, () => {
      data.update(contact, fields);
      return { contactId: contact.id };
    });
  });

  app.delete('/contact/:identifier', async (request, reply) => {
    const contact = resolveContact(data, request, reply);
    if (!contact) return reply;
    data.remove(contact);
    return { contactId: contact.id };
  });

  app.post('/contact/:identifier/tag', async (request, reply) => {
    const tags = readTags(request.body);
    if (typeof tags === 'string') return sendError(reply, 400, tags);
    const contact = resolveContact(data, request, reply);
    if (!contact) return reply;
    return conflictAware(reply, () => {
      data.addTags(contact, tags);
      return { contactId: contact.id };
    });
  });

  app.delete('/contact/:identifier/tag', async (request, reply) => {
    const tags = readTags(request.body);
    if (typeof tags === 'string') return sendError(reply, 400, tags);
    const contact = resolveContact(data, request, reply);
    if (!contact) return reply;
    data.removeTags(contact, tags);
    return { contactId: contact.id };
  });

  app.get('/contact/:identifier/channels', async (request, reply) => {
    const page = readPageQuery(request.query);
    if (!page.ok) return sendError(reply, 400, page.message);
    const contact = resolveContact(data, request, reply);
    if (!contact) return reply;
    const result = paginate(data.channelsOf(contact), (channel) => channel.id, page.limit, page.cursorId);
    return {
      items: result.items,
      pagination: {
        next: result.next === undefined ? '' : pageUrl(request, page.limit, result.next),
        previous: result.previous === undefined ? '' : pageUrl(request, page.limit, result.previous),
      },
    };
  });
};

/** A tag body: a JSON array of 1 … 10 non-empty strings, as respond.io takes it. */
function readTags(body: unknown): string[] | string {
  const valid = Array.isArray(body) && body.length >= 1 && body.length <= MAX_TAGS &&
    body.every((tag) => typeof tag === 'string' && tag.trim() !== '' && tag.length <= MAX_TAG_LENGTH);
  return valid ? (body as string[]) : `Request body must be an array of 1 to ${MAX_TAGS} tag names (non-empty strings of at most ${MAX_TAG_LENGTH} characters)`;
}

/** Runs a change; a DataConflict (email / phone of another contact, too many tags) is the client's 400. */
function conflictAware(reply: FastifyReply, change: () => unknown): unknown {
  try {
    return change();
  } catch (error) {
    if (error instanceof DataConflict) return sendError(reply, 400, error.message);
    throw error;
  }
}
