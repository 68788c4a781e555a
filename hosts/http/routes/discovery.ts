import type { FastifyInstance } from 'fastify';
import { MANIFEST_SCHEMA } from '../../../runtime/manifest.js';
import { connectorDescriptionResponse, connectorListResponse, errorResponses } from '../response-schemas.js';

/** What an engine reads to show and configure the connectors: the manifest, the list, one connector resolved. */
export async function discoveryRoutes(app: FastifyInstance): Promise<void> {
  const { plugin } = app.host;
  const manifestSchemaId = plugin.registry.get(MANIFEST_SCHEMA.name, MANIFEST_SCHEMA.version).schema.$id;

  app.get(
    '/v1/manifest',
    { schema: { summary: 'The plugin manifest (manifest.json)', tags: ['discovery'], response: { 200: { $ref: manifestSchemaId }, ...errorResponses() } } },
    async () => plugin.manifest,
  );

  app.get('/v1/connectors', { schema: { summary: 'The connectors', tags: ['discovery'], response: { 200: connectorListResponse, ...errorResponses() } } }, async () => ({
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
    {
      schema: {
        summary: 'One connector: Connection and Settings schemas, input and output schemas with every $ref inlined',
        tags: ['discovery'],
        params: { type: 'object', properties: { id: { type: 'string', minLength: 1, description: 'The id or the display name' } }, required: ['id'] },
        response: { 200: connectorDescriptionResponse, ...errorResponses(400, 404) },
      },
    },
    async (request) => plugin.describe(request.params.id),
  );
}
