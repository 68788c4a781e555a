import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { CustomChannelOptions } from './options.js';
import { customChannelPlugin } from './plugin.js';

export interface CustomChannelServerOptions extends CustomChannelOptions {
  /** Where `/message` lives, e.g. '/respondio' → POST /respondio/message (respond.io's "API Base URL" ends there). */
  prefix?: string;
  /** fastify's logger option (default off); the token never reaches a log line (headers are not logged). */
  logger?: FastifyServerOptions['logger'];
  /** Slow-client and idle limits in ms (default CHANNEL_TIMEOUTS); tests use short ones. */
  timeouts?: Partial<ChannelTimeouts>;
}

export interface ChannelTimeouts {
  headersMs: number;
  requestMs: number;
  idleMs: number;
  keepAliveMs: number;
  checkEveryMs: number;
}

/**
 * Slow-client and idle limits (fastify leaves them off but keep-alive, 72 s). respond.io sends a small body at once,
 * so the whole request must arrive within 30 s (headers within 15 s); a socket silent for 2 min is closed (long
 * enough for an adapter that retries a slow provider); an idle keep-alive connection is closed after 5 s. Node looks
 * for requests past the header and whole-request limits every checkEveryMs (its default, 30 s, would double them).
 */
export const CHANNEL_TIMEOUTS: Readonly<ChannelTimeouts> = { headersMs: 15_000, requestMs: 30_000, idleMs: 120_000, keepAliveMs: 5_000, checkEveryMs: 1_000 };

/** The custom channel as its own fastify app, built but not listening: tests use inject(), the CLI calls listen(). */
export async function buildCustomChannelServer(options: CustomChannelServerOptions): Promise<FastifyInstance> {
  const { prefix, logger, timeouts: given, ...channel } = options;
  const timeouts = { ...CHANNEL_TIMEOUTS, ...given };
  for (const [name, ms] of Object.entries(timeouts)) {
    if (!Number.isInteger(ms) || ms < (name === 'checkEveryMs' ? 1 : 0)) throw new RangeError(`custom channel: timeouts.${name} must be a non-negative integer (ms), got ${JSON.stringify(ms)}`);
  }
  // Node silently swaps the two when the header limit is the longer one.
  if (timeouts.requestMs > 0 && timeouts.headersMs > timeouts.requestMs) throw new RangeError('custom channel: timeouts.headersMs must not exceed timeouts.requestMs');
  const app = Fastify({
    logger: logger ?? false,
    bodyLimit: channel.bodyLimit ?? 64 * 1024,
    connectionTimeout: timeouts.idleMs,
    keepAliveTimeout: timeouts.keepAliveMs,
    requestTimeout: timeouts.requestMs,
    http: { connectionsCheckingInterval: timeouts.checkEveryMs },
  });
  app.server.headersTimeout = timeouts.headersMs;
  await app.register(customChannelPlugin, { ...channel, prefix: normalizePrefix(prefix) });
  await app.ready();
  return app;
}

function normalizePrefix(prefix: string | undefined): string {
  if (prefix === undefined || prefix === '' || prefix === '/') return '';
  return `/${prefix.replace(/^\/+|\/+$/g, '')}`;
}
