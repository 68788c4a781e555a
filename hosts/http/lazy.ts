import type { FastifyInstance } from 'fastify';
import type { ServerOptions } from './options.js';

/*
 * The library entry re-exports the HTTP host through this: fastify is loaded on first use only, so an engine that
 * imports the library for `loadPlugin` / `run` does not load a web server.
 */

/** See hosts/http/README.md: the fastify instance, built and not listening. */
export async function buildServer(options?: ServerOptions): Promise<FastifyInstance> {
  return (await import('./build-server.js')).buildServer(options);
}

export type { ServerOptions };
