import { defineConnector } from '../../runtime/connector.js';
import type { GetContactRequest, GetContactResponse } from '../../schemas/generated/row-types.js';
import { clientFromEnvironment, objectBody, type RespondIoContact } from '../respond-io/index.js';
import type { Columns } from '../respond-io/columns.js';
import { contactRow } from '../respond-io/contact-row.js';

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
