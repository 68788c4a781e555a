import { defineConnector } from '../../runtime/connector.js';
import type { ListUsersItem, ListUsersResponse, ListUsersTeam, NoInput } from '../../schemas/generated/row-types.js';
import { clientFromEnvironment } from '../respond-io/index.js';
import { type Columns, numberOrNull, stringOrNull } from '../respond-io/columns.js';

/** The largest page GET /space/user is asked for (respond.io: "< 100", like every list endpoint). */
export const LIST_USERS_PAGE_LIMIT = 99;

/**
 * Respond.io - List Users: no input columns; each (empty) input row → every page of GET /space/user → one row per
 * user, yielded as the pages arrive. The runtime feeds one empty row when the source has none (notes.md).
 */
export const listUsers = defineConnector<Columns<NoInput>, Columns<ListUsersResponse>>({
  id: 'list-users',
  open(environment) {
    const client = clientFromEnvironment(environment);
    return {
      async *process(_row, context) {
        for await (const page of client.paginate<Record<string, unknown>>(environment.endpoint, { limit: LIST_USERS_PAGE_LIMIT }, context)) {
          for (const user of page.items) yield { StatusCode: 200, Message: null, Items: userItem(user) };
        }
      },
      stats: () => client.stats(),
      close: () => client.close(),
    };
  },
});

/** respond.io's user ({ id, firstName, …, team: { id, name }, restrictions: [names] }) → the Item columns. */
export function userItem(user: Record<string, unknown>): ListUsersItem | null {
  const id = numberOrNull(user.id);
  // ID is required by the item schema: a user without one cannot be described; the row keeps Items null.
  if (id === null) return null;
  return {
    ID: id,
    FirstName: stringOrNull(user.firstName),
    LastName: stringOrNull(user.lastName),
    Email: stringOrNull(user.email),
    Role: stringOrNull(user.role),
    Team: team(user.team),
    Restrictions: Array.isArray(user.restrictions) ? user.restrictions.filter((name): name is string => typeof name === 'string') : null,
  };
}

function team(value: unknown): ListUsersTeam | null {
  if (typeof value !== 'object' || value === null) return null;
  const { id, name } = value as Record<string, unknown>;
  const teamId = numberOrNull(id);
  return teamId === null ? null : { ID: teamId, Name: stringOrNull(name) };
}
