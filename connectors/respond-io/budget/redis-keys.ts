/**
 * The Redis keys of one organization × endpoint. The organization sits in a hash tag (`{…}`), so all of one
 * organization's keys fall in one Redis Cluster slot and one Lua script may touch them together. Braces inside the
 * organization would end the tag early, so they (and `%`, to stay reversible) are percent-encoded.
 */
export interface EndpointKeys {
  /** GCRA theoretical arrival time, Redis-time microseconds. */
  tat: string;
  /** Sorted set of admitted sends (score: Redis-time microseconds). */
  log: string;
  /** Exists while a 429's Retry-After runs; its PTTL is the pause left. */
  penalty: string;
}

export const DEFAULT_KEY_PREFIX = 'respondio:rb';

export function endpointKeys(organization: string, endpointKey: string, prefix = DEFAULT_KEY_PREFIX): EndpointKeys {
  const tag = organization.replace(/[%{}]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  const base = `${prefix}:{${tag}}:${endpointKey}`;
  return { tat: `${base}:tat`, log: `${base}:log`, penalty: `${base}:penalty` };
}
