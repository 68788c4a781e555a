import type { FastifyPluginAsync } from 'fastify';
import { compileFilter } from '../contact-filter.js';
import { DataConflict, type ContactFields } from '../data.js';
import { parseContactIdentifier } from '../identifier.js';
import { paginate, pageUrl, readPageQuery } from '../pagination.js';
import { messages, sendError } from '../reply.js';
import { isPlainObject, resolveContact, type RoutesOptions } from './context.js';

const STRING_FIELDS = ['firstName', 'lastName', 'phone', 'email', 'language', 'profilePic', 'countryCode'] as const;

/** GET /contact/:identifier, POST /contact/list, POST /contact/create_or_update/:identifier */
export const contactRoutes: FastifyPluginAsync<RoutesOptions> = async (app, { data, clock, creatingMs, createdThroughApi }) => {
  app.get('/contact/:identifier', async (request, reply) => {
    const contact = resolveContact(data, request, reply);
    if (!contact) return reply;
    const createdAt = createdThroughApi.get(contact.id);
    if (createdAt !== undefined) {
      if (clock.now() - createdAt < creatingMs) return sendError(reply, 449, messages.creating);
      createdThroughApi.delete(contact.id);
    }
    return contact;
  });

  app.post('/contact/list', async (request, reply) => {
    const page = readPageQuery(request.query);
    if (!page.ok) return sendError(reply, 400, page.message);
    const body = request.body ?? {};
    if (!isPlainObject(body)) return sendError(reply, 400, 'Request body must be a JSON object { search, timezone, filter }');
    const { search, timezone, filter } = body;
    if (search !== undefined && typeof search !== 'string') return sendError(reply, 400, 'search must be a string');
    if (timezone !== undefined && typeof timezone !== 'string') return sendError(reply, 400, 'timezone must be a string');
    const matches = compileFilter(filter);
    if (typeof matches === 'string') return sendError(reply, 400, matches);
    const result = paginate(data.listContacts(search).filter(matches), (c) => c.id, page.limit, page.cursorId);
    return {
      items: result.items,
      pagination: {
        // The end is an empty next (respond.io's form; the user list leaves the key out, clients must take both).
        next: result.next === undefined ? '' : pageUrl(request, page.limit, result.next),
        previous: result.previous === undefined ? null : pageUrl(request, page.limit, result.previous),
      },
    };
  });

  app.post('/contact/create_or_update/:identifier', async (request, reply) => {
    const { identifier } = request.params as { identifier: string };
    const parsed = parseContactIdentifier(identifier);
    if (!parsed.ok) return sendError(reply, 400, parsed.message);
    const fields = readContactFields(request.body ?? {});
    if (typeof fields === 'string') return sendError(reply, 400, fields);
    let outcome;
    try {
      outcome = data.createOrUpdate(parsed.lookup, fields, Math.floor(Date.now() / 1000));
    } catch (error) {
      if (error instanceof DataConflict) return sendError(reply, 400, error.message);
      throw error;
    }
    if (!outcome) return sendError(reply, 404, messages.contactNotFound);
    // Like respond.io, a new contact is "still being created" for a moment: GET answers 449 until then.
    if (outcome.created) createdThroughApi.set(outcome.contact.id, clock.now());
    return reply.code(outcome.created ? 201 : 200).send({ contactId: outcome.contact.id });
  });
};

/** The contact fields of a create_or_update / create / update body, or the 400 message. */
export function readContactFields(body: unknown): ContactFields | string {
  if (!isPlainObject(body)) return 'Request body must be a JSON object of contact fields';
  const fields: ContactFields = {};
  for (const key of STRING_FIELDS) {
    const value = body[key];
    if (value === undefined) continue;
    if (value !== null && typeof value !== 'string') return `${key} must be a string or null`;
    fields[key] = value;
  }
  if (typeof fields.email === 'string' && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(fields.email)) return 'email is not a valid address';
  if (typeof fields.phone === 'string' && !/^\+[0-9]{6,15}$/.test(fields.phone)) return 'phone must be E.164 (+ and 6 to 15 digits)';
  const custom = body.custom_fields;
  if (custom === null) fields.custom_fields = null;
  else if (custom !== undefined) {
    if (!Array.isArray(custom)) return 'custom_fields must be an array of { name, value }';
    fields.custom_fields = [];
    for (const item of custom) {
      const valid = isPlainObject(item) && typeof item.name === 'string' && item.name !== '' &&
        (item.value === null || ['string', 'number', 'boolean'].includes(typeof item.value));
      if (!valid) return 'custom_fields must be an array of { name: string, value: string | number | boolean | null }';
      fields.custom_fields.push({ name: item.name as string, value: item.value as string | number | boolean | null });
    }
  }
  return fields;
}
