import { defineConnector } from '../../runtime/connector.js';
import type { Filter, Filters, ListContactsRequest, ListContactsResponse } from '../../schemas/generated/row-types.js';
import { clientFromEnvironment, type RespondIoContact } from '../respond-io/index.js';
import type { Columns } from '../respond-io/columns.js';
import { contactRow } from '../respond-io/contact-row.js';

/** respond.io takes `limit` below 100 on POST /contact/list ("< 100"): the largest page it allows. */
export const LIST_CONTACTS_PAGE_LIMIT = 99;

/**
 * Respond.io - List Contacts: one search row → every page of POST /contact/list → one row per contact, yielded as
 * each page arrives (only one page is held). A page failing after the retries throws: rows already yielded stay.
 */
export const listContacts = defineConnector<ListContactsRequest, Columns<ListContactsResponse>>({
  id: 'list-contacts',
  open(environment) {
    const client = clientFromEnvironment(environment);
    return {
      async *process(row, context) {
        const body = listContactsBody(row);
        for await (const page of client.paginate<RespondIoContact>(environment.endpoint, { limit: LIST_CONTACTS_PAGE_LIMIT, body }, context)) {
          for (const contact of page.items) yield contactRow(contact);
        }
      },
      stats: () => client.stats(),
      close: () => client.close(),
    };
  },
});

/** The request body: null Search → "", null Timezone → "UTC", no filter → { $and: [] } (respond.io: no condition). */
export function listContactsBody(row: ListContactsRequest): { search: string; timezone: string; filter: Record<string, unknown> } {
  return { search: row.Search ?? '', timezone: row.Timezone ?? 'UTC', filter: filterBody(row.Filters ?? null) };
}

function filterBody(filters: Filters | null): Record<string, unknown> {
  const and = (filters?.FilterAnd ?? []).map(condition);
  const or = (filters?.FilterOr ?? []).map(condition);
  // Both given: both keys side by side (every AND condition, and any OR one), as respond.io's filter object has them.
  if (and.length > 0 && or.length > 0) return { $and: and, $or: or };
  return or.length > 0 ? { $or: or } : { $and: and };
}

function condition(filter: Filter): Record<string, unknown> {
  return { category: filter.Category, field: filter.Field ?? null, operator: filter.Operator, value: filter.Value ?? null };
}
