import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { CustomChannelOptions } from './options.js';
import { customChannelPlugin } from './plugin.js';

export interface CustomChannelServerOptions extends CustomChannelOptions {
  /** Where `/message` lives, e.g. '/respondio' → POST /respondio/message (respond.io's "API Base URL" ends there). */
  prefix?: string;
  /** fastify's logger option (default off); the token never reaches a log line (headers are not logged). */
  logger?: FastifyServerOptions['logger'];
}

/** The custom channel as its own fastify app, built but not listening: tests use inject(), the CLI calls listen(). */
export async function buildCustomChannelServer(options: CustomChannelServerOptions): Promise<FastifyInstance> {
  const { prefix, logger, ...channel } = options;
  const app = Fastify({ logger: logger ?? false, bodyLimit: channel.bodyLimit ?? 64 * 1024 });
  await app.register(customChannelPlugin, { ...channel, prefix: normalizePrefix(prefix) });
  await app.ready();
  return app;
}

function normalizePrefix(prefix: string | undefined): string {
  if (prefix === undefined || prefix === '' || prefix === '/') return '';
  return `/${prefix.replace(/^\/+|\/+$/g, '')}`;
}
