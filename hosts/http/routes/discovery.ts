import type { FastifyInstance } from 'fastify';

/** What an engine reads to show and configure the connectors: the manifest, the list, one connector resolved. */
export async function discoveryRoutes(app: FastifyInstance): Promise<void> {
  const { plugin } = app.host;

  app.get('/v1/manifest', async () => plugin.manifest);

  app.get('/v1/connectors', async () => ({
    connectors: plugin.listConnectors().map((c) => ({
      id: c.id,
      name: c.name,
      description: c.description,
      version: c.version,
      versionBadge: c.versionBadge,
      badges: c.badges,
      links: { self: `/v1/connectors/${encodeURIComponent(c.id)}`, run: `/v1/connectors/${encodeURIComponent(c.id)}/run` },
    })),
  }));

  // Settings and Connection schemas, and input/output schemas with every $ref inlined (plugin.describe).
  // An unknown id throws RC_UNKNOWN_CONNECTOR, which the error handler answers 404.
  app.get<{ Params: { id: string } }>(
    '/v1/connectors/:id',
    { schema: { params: { type: 'object', properties: { id: { type: 'string', minLength: 1 } }, required: ['id'] } } },
    async (request) => plugin.describe(request.params.id),
  );
}
