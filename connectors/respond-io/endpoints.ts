/**
 * respond.io's documented rate limits (seed 003, "Requests Per Second", organization level), keyed by
 * 'METHOD /path/{template}'. The seed names endpoints, not methods: the methods come from respond.io's SDK and API
 * reference (one path can carry several operations, e.g. get / create / update / delete a contact).
 */
export const documentedRateLimits: Readonly<Record<string, number>> = Object.freeze({
  'POST /contact/{identifier}/message': 10, // Send a message
  'GET /contact/{identifier}/message/{messageId}': 15, // Get a message
  'POST /contact/{identifier}/comment': 10, // Create a comment
  'GET /contact/{identifier}': 10, // Get a contact
  'POST /contact/{identifier}': 5, // Create, update or delete a contact
  'PUT /contact/{identifier}': 5,
  'DELETE /contact/{identifier}': 5,
  'POST /contact/merge': 5, // Merge two contacts
  'POST /contact/create_or_update/{identifier}': 5, // Create or update a contact
  'POST /contact/list': 5, // List the contacts
  'POST /contact/{identifier}/tag': 5, // Add or delete tags
  'DELETE /contact/{identifier}/tag': 5,
  'GET /contact/{identifier}/channels': 5, // List contact channels
  'GET /contact/{identifier}/channel/{channelId}': 10, // Get a contact channel
  'POST /contact/{identifier}/conversation/assignee': 5, // Assign/unassign conversation
  'POST /contact/{identifier}/conversation/status': 5, // Open/close conversation
  'GET /space/channel': 5, // List space channels
  'GET /space/closing_notes': 5, // List closing notes
  'GET /space/user': 5, // List space users
  'GET /space/user/{id}': 10, // Get a space user
  'POST /space/contact_field': 5, // Create custom field
  'GET /space/contact_field/{id}': 10, // Get a custom field
  'GET /space/contact_field': 5, // List custom fields
  // Not in the seed's table, but used by respond.io's SDK: the custom-field endpoints under the name the SDK uses,
  // and the message history. Given the limit of their documented siblings (lists: 5/s).
  'POST /space/custom_field': 5,
  'GET /space/custom_field/{id}': 10,
  'GET /space/custom_field': 5,
  'GET /contact/{identifier}/message/list': 5,
});

/** Any endpoint the table does not list is paced at the lowest documented limit: better slow than 429. */
export const UNLISTED_ENDPOINT_RPS = 5;

export const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

export interface EndpointKey {
  /** 'GET /contact/{identifier}' */
  key: string;
  method: HttpMethod;
  /** '/contact/{identifier}' */
  template: string;
}

const KEY_PATTERN = /^(GET|POST|PUT|PATCH|DELETE) (\/[A-Za-z0-9_\-/{}]*)$/;

/** Parses 'METHOD /path/{template}'; undefined when it is not of that shape. */
export function parseEndpointKey(key: string): EndpointKey | undefined {
  const match = KEY_PATTERN.exec(key);
  if (!match) return undefined;
  return { key, method: match[1] as HttpMethod, template: match[2] as string };
}

/**
 * True when a concrete path (segments already encoded) fits the template: same number of segments, literal segments
 * equal, placeholders non-empty. Guards the generic request() against pacing a call under the wrong endpoint.
 */
export function pathFitsTemplate(path: string, template: string): boolean {
  const actual = path.split('/');
  const expected = template.split('/');
  if (actual.length !== expected.length) return false;
  return expected.every((segment, index) => {
    const value = actual[index] as string;
    return /^\{[^}]+\}$/.test(segment) ? value.length > 0 && value !== '.' && value !== '..' : value === segment;
  });
}
