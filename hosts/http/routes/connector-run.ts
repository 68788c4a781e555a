import type { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ConnectorDescription } from '../../../runtime/describe.js';
import { errorBody, HttpError, sendError } from '../http-errors.js';
import { headerOf, isBlank, NDJSON, ndjsonStream, readLines, rowOfLine, type HeaderLine, type Line } from '../ndjson.js';
import { errorResponses, syncRunResponse } from '../response-schemas.js';
import { normalizeSettings } from '../services.js';
import { runOutlivesIdleTimeout } from '../timeouts.js';
import { runBodySchema, streamQuery } from '../validation.js';

interface JsonRunBody {
  connection?: Record<string, unknown>;
  settings?: Record<string, unknown>;
  rows: unknown[];
  concurrency?: number;
}

interface StreamQuery {
  settings?: string;
  errorBehavior?: string;
  concurrency?: string;
}

export const SETTINGS_HEADER = 'x-respondio-settings';

function parseJsonObject(text: string, where: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new HttpError('RC_INVALID_REQUEST', 400, `${where} is not valid JSON`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new HttpError('RC_INVALID_REQUEST', 400, `${where} must be a JSON object`);
  return value as Record<string, unknown>;
}

/**
 * POST /v1/connectors/:id/run — one route, two bodies:
 *  - `application/json` `{ connection?, settings?, rows, concurrency? }` → `{ rows, result }` when the run has ended;
 *  - `application/x-ndjson` (one row a line, optional first header line) → output rows as NDJSON as they are ready,
 *    then `{"result":…}`; both directions with backpressure.
 * The run's outcome (failed, cancelled…) is in `result`: a 200 says the run was carried out, not that it succeeded.
 */
export async function connectorRunRoutes(app: FastifyInstance): Promise<void> {
  const host = app.host;
  const { bodyLimit } = host.options;

  // The NDJSON body is not parsed by fastify: the raw stream goes to the handler, read line by line as rows are pulled.
  app.addContentTypeParser(NDJSON, (_request, payload, done) => done(null, payload));

  const refuseWhenClosing = async (_request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    if (host.closing) await sendError(reply, errorBody('RC_SHUTTING_DOWN', 503, 'the server is shutting down; start the run elsewhere'));
  };

  const runJson = async (connector: ConnectorDescription, request: FastifyRequest, reply: FastifyReply): Promise<unknown> => {
    const body = request.body as JsonRunBody;
    const handle = host.openRun(request, { connector: connector.id, connection: body.connection, settings: body.settings, rows: body.rows, concurrency: body.concurrency });
    const collecting = handle.collect();
    host.tracker.track(connector.id, 'sync', handle);
    runOutlivesIdleTimeout(request); // silent until the run ends (timeouts.ts)
    reply.raw.once('close', () => {
      if (!reply.raw.writableFinished) handle.cancel('the client went away');
    });
    return collecting;
  };

  const runStream = async (connector: ConnectorDescription, request: FastifyRequest<{ Querystring: StreamQuery }>, reply: FastifyReply): Promise<unknown> => {
    const body = request.body as Readable;
    // Not destroyed when the run stops reading early (a Fail stop): destroying a request destroys its socket, and
    // the response still has to go out. What is left is drained.
    const lines = readLines(body.iterator({ destroyOnReturn: false }), bodyLimit);
    let first: Line | undefined;
    for (;;) {
      const next = await lines.next();
      if (next.done) break;
      if (!isBlank(next.value)) {
        first = next.value;
        break;
      }
    }
    let header: HeaderLine | undefined;
    if (first && !first.tooLong) {
      header = headerOf(rowOfLine(first, bodyLimit));
      if (header) first = undefined;
    }
    if (header?.settings !== undefined && (header.settings === null || typeof header.settings !== 'object')) {
      throw new HttpError('RC_INVALID_REQUEST', 400, 'the header line: settings must be a JSON object');
    }
    const headerSettings = request.headers[SETTINGS_HEADER];
    const settings: Record<string, unknown> = {
      ...(typeof headerSettings === 'string' ? parseJsonObject(headerSettings, 'the X-Respondio-Settings header') : {}),
      ...(request.query.settings !== undefined ? parseJsonObject(request.query.settings, 'the settings query parameter') : {}),
      ...(request.query.errorBehavior !== undefined ? { 'Error behavior': request.query.errorBehavior } : {}),
      ...header?.settings,
    };
    const concurrency = header?.concurrency ?? (request.query.concurrency !== undefined ? Number(request.query.concurrency) : undefined);

    async function* rows(): AsyncGenerator<unknown> {
      let finished = false;
      try {
        if (first) yield rowOfLine(first, bodyLimit);
        for (;;) {
          const next = await lines.next();
          if (next.done) break;
          if (!isBlank(next.value)) yield rowOfLine(next.value, bodyLimit);
        }
        finished = true;
      } finally {
        if (!finished) {
          void lines.return(undefined);
          body.resume();
        }
      }
    }

    // A ConfigurationError (bad setting, no token, unknown connector) is thrown here, before any byte is sent: 400/404.
    const handle = host.openRun(request, { connector: connector.id, connection: header?.connection, settings, rows: rows(), concurrency });
    async function* output(): AsyncGenerator<unknown> {
      host.tracker.track(connector.id, 'stream', handle, () => stream.destroy());
      yield* handle;
      yield { result: await handle.result };
    }
    const stream = ndjsonStream(output());
    // A client that goes away before the first row is written is noticed here, not at the next write: its calls in
    // flight are aborted at once instead of running to their end for nobody.
    reply.raw.once('close', () => {
      if (!reply.raw.writableFinished) handle.cancel('the client went away');
    });
    runOutlivesIdleTimeout(request); // may pause on rate limits or backpressure (timeouts.ts)
    return reply.type(`${NDJSON}; charset=utf-8`).header('cache-control', 'no-store').send(stream);
  };

  for (const connector of host.plugin.listConnectors()) {
    app.post<{ Querystring: StreamQuery }>(
      `/v1/connectors/${encodeURIComponent(connector.id)}/run`,
      {
        schema: {
          summary: `Run ${connector.name}: JSON in, JSON out when the run has ended; or NDJSON in, NDJSON out as rows are ready`,
          tags: ['connectors'],
          querystring: streamQuery,
          body: {
            content: {
              'application/json': { schema: runBodySchema(connector) },
              // Not parsed by fastify (the raw stream reaches the handler), so nothing to check here: documented only.
              [NDJSON]: { schema: { description: 'One input row (a JSON object) a line; optionally first a header line {"settings":{…},"connection":{…},"concurrency":N}' } },
            },
          },
          response: {
            200: {
              description: 'The run was carried out; whether it succeeded is result.status',
              content: {
                'application/json': { schema: syncRunResponse(connector.output.schema.$id) },
                [NDJSON]: { schema: { type: 'string', description: 'One output row a line as soon as it is ready (input order), then {"result":RunResult}' } },
              },
            },
            ...errorResponses(400, 404, 413, 415, 503),
          },
        },
        onRequest: refuseWhenClosing,
        preValidation: async (request) => {
          if (request.body !== null && typeof request.body === 'object' && !('pipe' in request.body)) normalizeSettings((request.body as JsonRunBody).settings);
        },
      },
      async (request, reply) => (request.headers['content-type']?.startsWith(NDJSON) ? runStream(connector, request, reply) : runJson(connector, request, reply)),
    );
  }

  // Any other id: 404 naming the known ones (a display name is accepted by GET /v1/connectors/:id, not here).
  // Hidden from the OpenAPI document: each connector's own route above is the documented one.
  app.post<{ Params: { id: string } }>('/v1/connectors/:id/run', { schema: { hide: true } }, async (request) => {
    const known = host.plugin.describe(request.params.id);
    throw new HttpError('RC_NOT_FOUND', 404, `run a connector by its id: POST /v1/connectors/${encodeURIComponent(known.id)}/run`);
  });
}
