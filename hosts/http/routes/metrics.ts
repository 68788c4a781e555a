import type { FastifyInstance } from 'fastify';

/** Prometheus text format, from the server's own registry; live runs are brought up to date before each scrape. */
export async function metricsRoutes(app: FastifyInstance): Promise<void> {
  app.get('/metrics', async (_request, reply) => {
    app.host.tracker.refresh();
    const { registry } = app.host.metrics;
    return reply.type(registry.contentType).send(await registry.metrics());
  });
}
