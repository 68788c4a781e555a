import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { CustomChannelOptions } from './options.js';
import { customChannelPlugin } from './plugin.js';

export interface CustomChannelServerOptions extends CustomChannelOptions {
  /** Where `/message` lives, e.g. '/respondio' → POST /respondio/message (respond.io's "API Base URL" ends there). */
  prefix?: string;
  /** fastify's logger option (default off); the token never reaches a log line (headers are not logged). */
  logger?: FastifyServerOptions['logger'];
}

/**
 * Slow-client and idle limits (fastify leaves them off but keep-alive, 72 s). respond.io sends a small body at once,
 * so the whole request must arrive within 30 s (headers within 15 s); a socket silent for 2 min is closed (long
 * enough for an adapter that retries a slow provider); an idle keep-alive connection is closed after 5 s.
 */
export const CHANNEL_TIMEOUTS = { headersMs: 15_000, requestMs: 30_000, idleMs: 120_000, keepAliveMs: 5_000 } as const;

/** The custom channel as its own fastify app, built but not listening: tests use inject(), the CLI calls listen(). */
export async function buildCustomChannelServer(options: CustomChannelServerOptions): Promise<FastifyInstance> {
  const { prefix, logger, ...channel } = options;
  const app = Fastify({
    logger: logger ?? false,
    bodyLimit: channel.bodyLimit ?? 64 * 1024,
    connectionTimeout: CHANNEL_TIMEOUTS.idleMs,
    keepAliveTimeout: CHANNEL_TIMEOUTS.keepAliveMs,
    requestTimeout: CHANNEL_TIMEOUTS.requestMs,
  });
  app.server.headersTimeout = CHANNEL_TIMEOUTS.headersMs;
  await app.register(customChannelPlugin, { ...channel, prefix: normalizePrefix(prefix) });
  await app.ready();
  return app;
}

function normalizePrefix(prefix: string | undefined): string {
  if (prefix === undefined || prefix === '' || prefix === '/') return '';
  return `/${prefix.replace(/^\/+|\/+$/g, '')}`;
}
