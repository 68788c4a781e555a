import { ConfigurationError } from '../../runtime/errors.js';
import { silentLogger, type Logger } from '../../runtime/logger.js';
import type { SchemaRegistry } from '../../runtime/schema-registry.js';
import type { ClientOptions } from '../../schemas/generated/row-types.js';
import { resolveFamilyOptions, type ClientHooks, type ResolvedFamilyOptions } from './client-options.js';
import { documentedRateLimits, parseEndpointKey } from './endpoints.js';
import { checkUrlSecurity } from './url-policy.js';

export { DEFAULT_TIMEOUT_MS } from './client-options.js';
export const DEFAULT_BASE_URL = 'https://api.respond.io/v2';
export const MAX_RATE_LIMIT = 1000;

/** The API client's options: the Connection and Settings of a run, the family's options (a schema) and hooks. */
export interface RespondIoClientOptions extends ClientOptions, ClientHooks {
  /** respond.io API Access Token (a secret: never logged, never in a message). */
  token: string;
  /** The Connection's Organization: tokens naming the same one share one rate budget. Default: the token's own. */
  organization?: string | undefined;
  /** Default https://api.respond.io/v2; tests and the simulator point it at a loopback URL. */
  baseUrl?: string | undefined;
  /** Requests per second by 'METHOD /path/{template}', over the documented table (organizations with raised limits). */
  rateLimits?: Readonly<Record<string, number | undefined>> | undefined;
  logger?: Logger | undefined;
  /** The Connection's 'Allow insecure URL': accept a plain http:// Base URL to a host that is not loopback (warned). */
  allowInsecureUrl?: boolean | undefined;
  /** The plugin's schema registry (its one Ajv) to check the options with; a standalone client loads its own. */
  registry?: SchemaRegistry | undefined;
}

export interface ResolvedClientOptions extends ResolvedFamilyOptions {
  token: string;
  baseUrl: string;
  rateLimits: Readonly<Record<string, number>>;
  logger: Logger;
}

/** Validates every option once, at creation; messages name the option, the range and the value (never the token's). */
export function resolveClientOptions(options: RespondIoClientOptions): ResolvedClientOptions {
  const { token, baseUrl, rateLimits: overrides, logger = silentLogger, registry, allowInsecureUrl = false, organization: _organization, ...family } = options;
  // Said without the value: it is a secret. Whitespace or control characters would break (or inject) the header.
  if (typeof token !== 'string' || token.length === 0) throw new ConfigurationError('RC_INVALID_CONNECTION', 'token is missing: set Connection.Token to a respond.io API Access Token');
  if (/[\s\u0000-\u001f\u007f]/.test(token)) throw new ConfigurationError('RC_INVALID_CONNECTION', 'token contains spaces or control characters (value not shown: it is a secret)');

  const rateLimits: Record<string, number> = { ...documentedRateLimits };
  for (const [key, rps] of Object.entries(overrides ?? {})) {
    if (rps === undefined) continue;
    if (!parseEndpointKey(key)) throw new ConfigurationError('RC_INVALID_SETTINGS', `Rate limits key ${JSON.stringify(key)} must look like 'GET /contact/{identifier}'`);
    if (typeof rps !== 'number' || !(rps > 0) || rps > MAX_RATE_LIMIT) {
      throw new ConfigurationError('RC_INVALID_SETTINGS', `Rate limits[${JSON.stringify(key)}] must be a number of requests per second in (0, ${MAX_RATE_LIMIT}], got ${JSON.stringify(rps)}`);
    }
    rateLimits[key] = rps;
  }
  const url = resolveBaseUrl(baseUrl ?? DEFAULT_BASE_URL);
  checkUrlSecurity(new URL(url), 'Base URL', allowInsecureUrl, logger);
  return { token, baseUrl: url, rateLimits, logger, ...resolveFamilyOptions(family, registry) };
}

function resolveBaseUrl(value: unknown): string {
  const invalid = (why: string): ConfigurationError => new ConfigurationError('RC_INVALID_CONNECTION', `baseUrl ${why}, got ${JSON.stringify(value)}`);
  if (typeof value !== 'string') throw invalid('must be a string URL');
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw invalid('must be an absolute http(s) URL like https://api.respond.io/v2');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw invalid('must use http or https');
  // Credentials in the URL would be logged with it; a query or fragment would be lost under got's prefixUrl.
  if (url.username !== '' || url.password !== '') throw new ConfigurationError('RC_INVALID_CONNECTION', 'baseUrl must not carry credentials (value not shown)');
  if (url.search !== '' || url.hash !== '') throw invalid('must not have a query or fragment');
  return url.href.replace(/\/+$/, '');
}
