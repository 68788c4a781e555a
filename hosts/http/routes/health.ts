import type { FastifyInstance } from 'fastify';
import { errorBody, sendError } from '../http-errors.js';
import { errorResponses, healthResponse, readyResponse } from '../response-schemas.js';

/** Open routes (no API key): liveness, and readiness that turns 503 once shutdown has begun. */
export async function healthRoutes(app: FastifyInstance): Promise<void> {
  app.get(
    '/healthz',
    { config: { public: true }, schema: { summary: 'Liveness', tags: ['health'], response: { 200: healthResponse, ...errorResponses() } } },
    async () => ({ status: 'ok' }),
  );
  app.get(
    '/readyz',
    {
      config: { public: true },
      schema: { summary: 'Readiness: 503 RC_SHUTTING_DOWN once shutdown has begun; in durable mode 503 RC_RUN_STORE_UNAVAILABLE while Redis does not answer', tags: ['health'], response: { 200: readyResponse, ...errorResponses(503) } },
    },
    async (_request, reply) => {
      if (app.host.closing) return sendError(reply, errorBody('RC_SHUTTING_DOWN', 503, 'the server is shutting down'));
      const { durable } = app.host;
      if (durable && !(await durable.reachable())) {
        return sendError(reply, errorBody('RC_RUN_STORE_UNAVAILABLE', 503, 'the Redis of durable runs does not answer: background runs can be neither started nor read'));
      }
      return {
        status: 'ready',
        connectors: app.host.plugin.listConnectors().length,
        runsInFlight: app.host.tracker.size + (durable?.worker?.running ?? 0),
        mode: app.host.runs.mode,
      };
    },
  );
}
