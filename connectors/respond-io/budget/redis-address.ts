import { ConfigurationError } from '../../../runtime/errors.js';

/**
 * Where a Redis URL points, fit for a message: host and port only. The URL may carry a password
 * (`redis://:secret@host`, `redis://user:secret@host`), so it is never echoed whole.
 */
export function redisAddress(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ConfigurationError('RC_RATE_BUDGET_UNAVAILABLE', 'the rate budget Redis URL is not a valid URL (expected redis://[user:password@]host:port[/db])');
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    throw new ConfigurationError('RC_RATE_BUDGET_UNAVAILABLE', `the rate budget Redis URL must start with redis:// or rediss://, got ${parsed.protocol}//`);
  }
  return `${parsed.hostname || 'localhost'}:${parsed.port || '6379'}`;
}
