import { defineConnector } from '../../runtime/connector.js';
import type { CreateOrUpdateContactRequest, CreateOrUpdateContactResponse } from '../../schemas/generated/row-types.js';
import { clientFromEnvironment, objectBody } from '../respond-io/index.js';
import { type Columns, numberOrNull } from '../respond-io/columns.js';

/**
 * Respond.io - Create Or Update Contact: one row → POST /contact/create_or_update/{identifier} → { contactId }.
 * The schema has already checked FirstName, Language and CountryCode (400 before any call); repeating the call by
 * the same identifier has the effect of one, so the manifest marks it idempotent (5xx and timeouts are retried).
 */
export const createOrUpdateContact = defineConnector<CreateOrUpdateContactRequest, Columns<CreateOrUpdateContactResponse>>({
  id: 'create-or-update-contact',
  open(environment) {
    const client = clientFromEnvironment(environment);
    return {
      async process(row, context) {
        const body = await client.call(environment.endpoint, { params: { identifier: row.Identifier }, body: contactBody(row) }, context);
        const answer = objectBody<{ contactId?: unknown }>(environment.endpoint, body);
        return { StatusCode: 200, Message: null, ContactID: numberOrNull(answer.contactId) };
      },
      stats: () => client.stats(),
      close: () => client.close(),
    };
  },
});

/** The columns → respond.io's body. A null or missing column is left out: it does not clear the contact's value. */
export function contactBody(row: CreateOrUpdateContactRequest): Record<string, unknown> {
  const fields: Record<string, unknown> = {
    firstName: row.FirstName,
    lastName: row.LastName,
    phone: row.Phone,
    email: row.Email,
    language: row.Language,
    profilePic: row.ProfilePictureUrl,
    countryCode: row.CountryCode,
    custom_fields: row.CustomFields,
  };
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined && value !== null));
}
