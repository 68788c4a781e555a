import type { FastifyInstance } from 'fastify';
import type { StartRunSpec } from '../background-runs.js';
import { errorBody, HttpError, sendError } from '../http-errors.js';
import { errorResponses, rowsPageResponse, runViewRef } from '../response-schemas.js';
import { normalizeSettings } from '../services.js';
import { rowsQuery, runIdParams, startRunBodySchema } from '../validation.js';

type StartBody = StartRunSpec;

const MAX_PAGE = 10_000;

const notFound = (id: string): HttpError => new HttpError('RC_RUN_NOT_FOUND', 404, `no run ${JSON.stringify(id)} (finished runs are kept for a limited time and count)`);

/** Long-running runs: start (id at once), poll, page through the output rows, cancel. */
export async function runsRoutes(app: FastifyInstance): Promise<void> {
  const host = app.host;

  app.post<{ Body: StartBody }>(
    '/v1/runs',
    {
      schema: {
        summary: 'Start a background run: answers 202 with its id at once; poll it, page its rows, cancel it',
        tags: ['runs'],
        body: startRunBodySchema(host.plugin.listConnectors()),
        response: { 202: runViewRef, ...errorResponses(400, 404, 413, 415, 429, 503) },
      },
      preValidation: async (request) => {
        if (request.body !== null && typeof request.body === 'object') normalizeSettings((request.body as StartBody).settings);
      },
    },
    async (request, reply) => {
      if (host.closing) return sendError(reply, errorBody('RC_SHUTTING_DOWN', 503, 'the server is shutting down; start the run elsewhere'));
      if (!(await host.runs.hasRoom())) {
        return sendError(reply, errorBody('RC_TOO_MANY_RUNS', 429, `${host.options.runs.maxInFlight} runs are in flight already; retry when one has ended`));
      }
      const body = request.body;
      const connector = host.plugin.describe(body.connector).id;
      const view = await host.runs.start(request, { connector, connection: body.connection, settings: body.settings, rows: body.rows, concurrency: body.concurrency });
      request.log.info({ runId: view.id, connector, rows: body.rows.length }, 'background run started');
      return reply
        .code(202)
        .header('location', `/v1/runs/${view.id}`)
        .send({ ...view, links: { self: `/v1/runs/${view.id}`, rows: `/v1/runs/${view.id}/rows` } });
    },
  );

  app.get(
    '/v1/runs',
    {
      schema: {
        summary: 'The background runs this host keeps (running, and finished ones for a while)',
        tags: ['runs'],
        response: { 200: { type: 'object', properties: { runs: { type: 'array', items: runViewRef } }, required: ['runs'], additionalProperties: false }, ...errorResponses() },
      },
    },
    async () => ({ runs: await host.runs.list() }),
  );

  const oneRun = { params: runIdParams, response: { 200: runViewRef, ...errorResponses(400, 404) } };
  app.get<{ Params: { id: string } }>('/v1/runs/:id', { schema: { summary: 'A background run: status, progress, result', tags: ['runs'], ...oneRun } }, async (request) => {
    const view = await host.runs.get(request.params.id);
    if (!view) throw notFound(request.params.id);
    return view;
  });

  app.get<{ Params: { id: string }; Querystring: { offset?: string; limit?: string } }>(
    '/v1/runs/:id/rows',
    {
      schema: {
        summary: "A page of a background run's output rows, in input order (also while it runs)",
        tags: ['runs'],
        params: runIdParams,
        querystring: rowsQuery,
        response: { 200: rowsPageResponse, ...errorResponses(400, 404) },
      },
    },
    async (request) => {
      const offset = Number(request.query.offset ?? 0);
      const limit = Number(request.query.limit ?? 1000);
      if (limit < 1 || limit > MAX_PAGE) throw new HttpError('RC_INVALID_REQUEST', 400, `querystring.limit must be from 1 to ${MAX_PAGE}`, [{ field: 'querystring.limit', message: `from 1 to ${MAX_PAGE}` }]);
      const page = await host.runs.rows(request.params.id, offset, limit);
      if (!page) throw notFound(request.params.id);
      const next = offset + page.rows.length;
      return { ...page, nextOffset: next < page.available || !page.done ? next : null };
    },
  );

  app.delete<{ Params: { id: string } }>('/v1/runs/:id', { schema: { summary: 'Cancel a background run and wait for it to end', tags: ['runs'], ...oneRun } }, async (request) => {
    const view = await host.runs.cancel(request.params.id, 'cancelled by DELETE /v1/runs/:id');
    if (!view) throw notFound(request.params.id);
    return view;
  });
}
