import { isIP } from 'node:net';
import { ConfigurationError } from '../../runtime/errors.js';
import type { Logger } from '../../runtime/logger.js';

/**
 * localhost, 127.0.0.0/8 and ::1 (bracketed as URL.hostname writes it, or not, as a --host value is written): traffic
 * that never leaves the machine. The one definition for URLs (plain http allowed), the HTTP host's upstream guard and
 * `serve --open`. Not `*.localhost`: a resolver is free to send such a name elsewhere.
 */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  if (host === 'localhost' || host === '::1') return true;
  return isIP(host) === 4 && host.startsWith('127.');
}

/**
 * The Bearer token must not cross the network in clear: a plain http:// URL to a host that is not loopback is a
 * configuration error, unless the Connection opts in with 'Allow insecure URL' — then it is logged once (per client,
 * i.e. per run) as a warning. `field` names the Connection field in the messages.
 */
export function checkUrlSecurity(url: URL, field: string, allowInsecure: boolean, logger: Logger): void {
  if (url.protocol !== 'http:' || isLoopbackHost(url.hostname)) return;
  if (!allowInsecure) {
    throw new ConfigurationError('RC_INVALID_CONNECTION', `${field} ${url.origin} is plain http to a host that is not loopback: the token would cross the network unencrypted. Use https, or set the Connection's 'Allow insecure URL' to true`);
  }
  logger.warn({ field, origin: url.origin }, `${field} is plain http to ${url.host} ('Allow insecure URL'): the token crosses the network unencrypted`);
}
