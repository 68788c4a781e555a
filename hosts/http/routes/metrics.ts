import type { FastifyInstance } from 'fastify';
import { errorResponses } from '../response-schemas.js';

/** Prometheus text format, from the server's own registry; live runs are brought up to date before each scrape. */
export async function metricsRoutes(app: FastifyInstance): Promise<void> {
  app.get(
    '/metrics',
    {
      schema: {
        summary: 'Prometheus metrics (text exposition format)',
        tags: ['operations'],
        response: { 200: { description: 'Prometheus text format', content: { 'text/plain': { schema: { type: 'string' } } } }, ...errorResponses() },
      },
    },
    async (_request, reply) => {
      app.host.tracker.refresh();
      const { registry } = app.host.metrics;
      return reply.type(registry.contentType).send(await registry.metrics());
    },
  );
}
