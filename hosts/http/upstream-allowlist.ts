import { isLoopbackHost } from '../../connectors/respond-io/url-policy.js';
import type { ConfigurationDescription } from '../../runtime/describe.js';
import { HttpError } from './http-errors.js';

/** Where a run may send the respond.io token when the request does not say: respond.io's own API and webhooks. */
export const RESPONDIO_UPSTREAMS: readonly string[] = [
  'https://api.respond.io/v2',
  // The Custom Channel dialog's Webhook URL; sources disagree on the host (respondio-api.md).
  'https://app.respond.io/custom/channel/webhook/',
  'https://webhook.respond.io/custom/channel/webhook/',
];

/**
 * A run's Connection may name the URL its token goes to (`Base URL`, a Custom Channel's `Webhook URL`: every string
 * field of the Connection schema with `format: uri`). Taken as given, any caller holding the API key could point the
 * host at any address it can reach — internal services, cloud metadata — and read the answers back as rows: a
 * server-side request forgery. So only the upstreams chosen when the host started are accepted: respond.io's, the
 * host's own default base URL (its origin, so the simulator's webhook is allowed with its API), those passed to
 * `allowedUpstreams`, and loopback URLs when the host itself serves loopback only.
 */
export function upstreamGuard(options: { allowed: readonly string[]; allowLoopback: boolean }): (connection: Readonly<Record<string, unknown>>, described: ConfigurationDescription | undefined) => void {
  const prefixes = options.allowed.map(normalized).filter((url): url is URL => url !== undefined);
  const accepts = (url: URL): boolean =>
    (options.allowLoopback && isLoopbackHost(url.hostname)) ||
    prefixes.some((prefix) => prefix.origin === url.origin && (url.pathname === prefix.pathname.replace(/\/$/, '') || url.pathname.startsWith(withSlash(prefix.pathname))));
  return (connection, described) => {
    for (const [field, spec] of Object.entries(described?.schema.properties ?? {})) {
      const value = connection[field];
      if (spec.format !== 'uri' || typeof value !== 'string') continue;
      const url = normalized(value);
      // A value that is no URL at all is left to the Connection schema, which names the field and the rule.
      if (url === undefined || accepts(url)) continue;
      throw new HttpError(
        'RC_UPSTREAM_NOT_ALLOWED',
        400,
        `Connection ${field} ${url.origin} is not an upstream this host sends tokens to; allowed: ${[...prefixes.map((p) => p.href), ...(options.allowLoopback ? ['loopback URLs'] : [])].join(', ')} (serve --allow-upstream URL adds one)`,
        [{ field: `connection.${field}`, message: `connection.${field} is not an allowed upstream` }],
      );
    }
  };
}

function normalized(text: string): URL | undefined {
  try {
    const url = new URL(text);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url : undefined;
  } catch {
    return undefined;
  }
}

const withSlash = (path: string): string => (path.endsWith('/') ? path : `${path}/`);
