/**
 * The endpoints the simulator serves, keyed like the seed 003 rate-limit table: 'METHOD /path/{template}'.
 * The simulator keeps its own copy of the documented limits on purpose: it plays respond.io, so it must not borrow the
 * client's table (a wrong client table would then never meet a 429 here).
 */
export interface EndpointSpec {
  /** 'GET /contact/{identifier}' */
  key: string;
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** fastify route under /v2: '/contact/:identifier' */
  route: string;
  /** The seed table's name for it. */
  name: string;
  /** Requests per second, organization level (seed 003). */
  documentedLimit: number;
}

export const endpoints = [
  { key: 'GET /contact/{identifier}', method: 'GET', route: '/contact/:identifier', name: 'Get a contact', documentedLimit: 10 },
  {
    key: 'GET /contact/{identifier}/message/{messageId}',
    method: 'GET',
    route: '/contact/:identifier/message/:messageId',
    name: 'Get a message',
    documentedLimit: 15,
  },
  // Not in seed 003's table: given 5/s, the limit of every documented list endpoint.
  { key: 'GET /contact/{identifier}/message/list', method: 'GET', route: '/contact/:identifier/message/list', name: 'List messages', documentedLimit: 5 },
  { key: 'POST /contact/list', method: 'POST', route: '/contact/list', name: 'List the contacts', documentedLimit: 5 },
  { key: 'POST /contact/{identifier}/message', method: 'POST', route: '/contact/:identifier/message', name: 'Send a message', documentedLimit: 10 },
  {
    key: 'POST /contact/create_or_update/{identifier}',
    method: 'POST',
    route: '/contact/create_or_update/:identifier',
    name: 'Create or update a contact',
    documentedLimit: 5,
  },
  // respond.io's n8n node calls these too; seed 003 gives "Create/update/delete a contact" 5, "Add/delete tags" 5,
  // "List contact channels" 5, "List space users" 5.
  { key: 'POST /contact/{identifier}', method: 'POST', route: '/contact/:identifier', name: 'Create a contact', documentedLimit: 5 },
  { key: 'PUT /contact/{identifier}', method: 'PUT', route: '/contact/:identifier', name: 'Update a contact', documentedLimit: 5 },
  { key: 'DELETE /contact/{identifier}', method: 'DELETE', route: '/contact/:identifier', name: 'Delete a contact', documentedLimit: 5 },
  { key: 'POST /contact/{identifier}/tag', method: 'POST', route: '/contact/:identifier/tag', name: 'Add tags', documentedLimit: 5 },
  { key: 'DELETE /contact/{identifier}/tag', method: 'DELETE', route: '/contact/:identifier/tag', name: 'Delete tags', documentedLimit: 5 },
  { key: 'GET /contact/{identifier}/channels', method: 'GET', route: '/contact/:identifier/channels', name: 'List contact channels', documentedLimit: 5 },
  { key: 'GET /space/user', method: 'GET', route: '/space/user', name: 'List space users', documentedLimit: 5 },
] as const satisfies readonly EndpointSpec[];

export type EndpointKey = (typeof endpoints)[number]['key'];

/** The key under which requests matching no route are counted (and limited at the lowest documented rate). */
export const UNMATCHED_ENDPOINT = 'unmatched';

const byRoute = new Map<string, EndpointSpec>(endpoints.map((e) => [`${e.method} ${e.route}`, e]));

/** The endpoint of a matched fastify route ('GET', '/contact/:identifier'), or undefined. */
export function endpointOfRoute(method: string, route: string | undefined): EndpointSpec | undefined {
  return route === undefined ? undefined : byRoute.get(`${method} ${route}`);
}

export function isEndpointKey(key: string): key is EndpointKey {
  return endpoints.some((e) => e.key === key);
}
