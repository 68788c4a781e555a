import { defineConnector } from '../../runtime/connector.js';
import type { GetContactRequest, GetContactResponse } from '../../schemas/generated/row-types.js';
import { clientFromEnvironment, objectBody, type RespondIoContact } from '../respond-io/index.js';
import { type Columns, isoFromUnixSeconds, json, numberOrNull, stringOrNull } from '../respond-io/columns.js';

/**
 * Respond.io - Get Contact: one row (Identifier) → GET /contact/{identifier} → one Get Contact Response 1.1.0 row.
 * Failures are thrown (RowError / ConfigurationError); the runtime turns them into error rows per the error behavior.
 */
export const getContact = defineConnector<GetContactRequest, Columns<GetContactResponse>>({
  id: 'get-contact',
  open(environment) {
    const client = clientFromEnvironment(environment);
    return {
      async process(row, context) {
        const body = await client.call(environment.endpoint, { params: { identifier: row.Identifier } }, context);
        return contactRow(objectBody<RespondIoContact>(environment.endpoint, body));
      },
      stats: () => client.stats(),
      close: () => client.close(),
    };
  },
});

/** respond.io's contact body → the output columns. Missing or null keys become null; extra keys are ignored. */
export function contactRow(contact: RespondIoContact): GetContactResponse {
  return {
    StatusCode: 200,
    Message: null,
    ID: numberOrNull(contact.id),
    Status: stringOrNull(contact.status),
    Tags: json(contact.tags),
    Assignee: json(contact.assignee),
    CreatedAt: isoFromUnixSeconds(contact.created_at),
    FirstName: stringOrNull(contact.firstName),
    LastName: stringOrNull(contact.lastName),
    Phone: stringOrNull(contact.phone),
    Email: stringOrNull(contact.email),
    Language: stringOrNull(contact.language),
    ProfilePictureUrl: stringOrNull(contact.profilePic),
    CountryCode: stringOrNull(contact.countryCode),
    CustomFields: json(contact.custom_fields),
  };
}

