import type { FastifyInstance } from 'fastify';
import type { ServerOptions } from './options.js';
import type { ServeIo } from './serve-command.js';

/*
 * The library entry re-exports the HTTP host through these: fastify is loaded on first use only, so an engine that
 * imports the library for `loadPlugin` / `run` does not load a web server.
 */

/** See runtime/http/README.md: the fastify instance, built and not listening. */
export async function buildServer(options?: ServerOptions): Promise<FastifyInstance> {
  return (await import('./build-server.js')).buildServer(options);
}

/** `respondio-connectors serve …`: resolves with the exit code once stopped. */
export async function runServe(argv: readonly string[], io: ServeIo): Promise<number> {
  return (await import('./serve-command.js')).runServe(argv, io);
}

export type { ServerOptions, ServeIo };
