import { errorBehaviors } from '../../runtime/error-behavior.js';
import { errorCodes } from '../../runtime/error-codes.js';

/**
 * The host's response shapes as JSON Schemas, for the OpenAPI document (openapi.ts). They document, they do not
 * serialize: the server answers with JSON.stringify (build-server.ts), so a schema can never drop or coerce a field.
 * test/http/openapi.test.ts validates real answers against them, so they cannot drift from what the routes send.
 * Registered with `addSchema`; a route refers to one as `{ $ref: 'ErrorBody#' }`.
 */

const count = { type: 'integer', minimum: 0 } as const;

/** hosts/http/http-errors.ts ErrorBody: the one shape of every error response. */
const ErrorBody = {
  $id: 'ErrorBody',
  type: 'object',
  description: 'Every error response of the host has this shape, whatever the route.',
  properties: {
    error: {
      type: 'object',
      properties: {
        code: { type: 'string', enum: Object.keys(errorCodes), description: 'Stable: branch on it, never on the message.' },
        message: { type: 'string' },
        statusCode: { type: 'integer' },
        details: { description: 'For RC_INVALID_REQUEST: the fields at fault, [{ field, message, allowedValues? }].' },
      },
      required: ['code', 'message', 'statusCode'],
      additionalProperties: false,
    },
  },
  required: ['error'],
  additionalProperties: false,
} as const;

const UpstreamStats = {
  type: 'object',
  properties: {
    requests: count,
    retries: count,
    rateLimited: { ...count, description: '429 answers received from respond.io' },
    rateLimitWaitMs: { type: 'number', minimum: 0 },
    byStatus: { type: 'object', additionalProperties: count, description: 'Requests by the HTTP status each got ("none": no response)' },
  },
  required: ['requests', 'retries', 'rateLimited', 'rateLimitWaitMs'],
  additionalProperties: false,
} as const;

/** runtime/run-result.ts RunResult. */
const RunResult = {
  $id: 'RunResult',
  type: 'object',
  description: 'How a run ended. A 200 says the run was carried out; whether it succeeded is `status` here.',
  properties: {
    connector: { type: 'string' },
    errorBehavior: { type: 'string', enum: [...errorBehaviors] },
    status: { type: 'string', enum: ['succeeded', 'succeeded with errors', 'failed', 'cancelled'] },
    statusCode: { type: 'integer', enum: [200, 201, 202, 300, 307], description: "The platform's task-run status code" },
    rowsRead: count,
    rowsEmitted: count,
    errorRows: count,
    upstream: UpstreamStats,
    durationMs: { type: 'number', minimum: 0 },
    failure: {
      type: 'object',
      properties: {
        row: { type: ['integer', 'null'] },
        code: { type: 'string', enum: Object.keys(errorCodes) },
        statusCode: { type: ['integer', 'null'] },
        message: { type: 'string' },
      },
      required: ['row', 'code', 'statusCode', 'message'],
      additionalProperties: false,
    },
    resumed: {
      type: 'object',
      description: 'A durable run taken over after its worker stopped or died: the input row its last leg started from (counts are the whole run\'s)',
      properties: { fromRow: { type: 'integer', minimum: 1 } },
      required: ['fromRow'],
      additionalProperties: false,
    },
  },
  required: ['connector', 'errorBehavior', 'status', 'statusCode', 'rowsRead', 'rowsEmitted', 'errorRows', 'upstream', 'durationMs'],
  additionalProperties: false,
} as const;

/** hosts/http/run-store.ts RunView. */
const RunView = {
  $id: 'RunView',
  type: 'object',
  properties: {
    id: { type: 'string' },
    connector: { type: 'string' },
    status: { type: 'string', enum: ['running', 'succeeded', 'succeeded with errors', 'failed', 'cancelled'] },
    createdAt: { type: 'string', format: 'date-time' },
    finishedAt: { type: 'string', format: 'date-time' },
    progress: {
      type: 'object',
      properties: {
        rowsTotal: { type: ['integer', 'null'], minimum: 0 },
        rowsDone: count,
        rowsEmitted: count,
        errorRows: count,
        upstreamRequests: count,
        retries: count,
        rateLimited: count,
        rateLimitWaitSeconds: { type: 'number', minimum: 0 },
        etaSeconds: { type: ['number', 'null'], minimum: 0 },
      },
      required: ['rowsTotal', 'rowsDone', 'rowsEmitted', 'errorRows', 'upstreamRequests', 'retries', 'rateLimited', 'rateLimitWaitSeconds', 'etaSeconds'],
      additionalProperties: false,
    },
    result: { $ref: 'RunResult#' },
    links: {
      type: 'object',
      description: 'In the answer to POST /v1/runs only.',
      properties: { self: { type: 'string' }, rows: { type: 'string' } },
      required: ['self', 'rows'],
      additionalProperties: false,
    },
  },
  required: ['id', 'connector', 'status', 'createdAt', 'progress'],
  additionalProperties: false,
} as const;

/** Every named response schema, in an order where a schema comes after those it refers to. */
export const HOST_SCHEMAS = [ErrorBody, RunResult, RunView] as const;

const ref = (id: (typeof HOST_SCHEMAS)[number]['$id']): { $ref: string } => ({ $ref: `${id}#` });

export const errorBodyRef = ref('ErrorBody');
export const runResultRef = ref('RunResult');
export const runViewRef = ref('RunView');

/** The error answers a route may give (every route: 401 without the key, 5xx when something breaks). */
export function errorResponses(...statuses: number[]): Record<string, unknown> {
  return Object.fromEntries(
    [...new Set([...statuses, 500])].sort().map((status) => [String(status), { ...errorBodyRef, description: `Error (${status}): the one error shape` }]),
  );
}

export const healthResponse = {
  type: 'object',
  properties: { status: { type: 'string', const: 'ok' } },
  required: ['status'],
  additionalProperties: false,
} as const;

export const readyResponse = {
  type: 'object',
  properties: {
    status: { type: 'string', const: 'ready' },
    connectors: count,
    runsInFlight: { ...count, description: "Runs this process carries (its requests' and, in durable mode, its worker's)" },
    mode: { type: 'string', enum: ['memory', 'durable'], description: 'Where background runs live' },
  },
  required: ['status', 'connectors', 'runsInFlight'],
  additionalProperties: false,
} as const;

export const connectorListResponse = {
  type: 'object',
  properties: {
    connectors: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          id: { type: 'string' },
          name: { type: 'string' },
          description: { type: 'string' },
          version: { type: 'string' },
          versionBadge: { type: 'string' },
          badges: { type: 'object', additionalProperties: { type: 'string' } },
          links: {
            type: 'object',
            properties: { self: { type: 'string' }, run: { type: 'string' } },
            required: ['self', 'run'],
            additionalProperties: false,
          },
        },
        required: ['id', 'name', 'description', 'version', 'versionBadge', 'badges', 'links'],
        additionalProperties: false,
      },
    },
  },
  required: ['connectors'],
  additionalProperties: false,
} as const;

const resolvedSchema = { type: 'object', description: 'A JSON Schema (2020-12) with every $ref inlined' } as const;
const rowSchemaDescription = {
  type: 'object',
  properties: {
    name: { type: 'string' },
    version: { type: 'string' },
    schema: resolvedSchema,
    columns: {
      type: 'array',
      items: {
        type: 'object',
        properties: { name: { type: 'string' }, dataType: { type: 'string' }, allowNull: { type: 'boolean' }, description: { type: 'string' } },
        required: ['name', 'dataType', 'allowNull', 'description'],
      },
    },
  },
  required: ['name', 'version', 'schema', 'columns'],
} as const;
const configurationDescription = {
  type: 'object',
  properties: { name: { type: 'string' }, schema: resolvedSchema, secretFields: { type: 'array', items: { type: 'string' } } },
  required: ['name', 'schema', 'secretFields'],
} as const;

/** runtime/describe.ts ConnectorDescription: what an engine needs to show and configure a connector. */
export const connectorDescriptionResponse = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    name: { type: 'string' },
    description: { type: 'string' },
    documentation: { type: 'string' },
    version: { type: 'string' },
    versionBadge: { type: 'string' },
    releaseNotes: { type: 'array' },
    badges: { type: 'object', additionalProperties: { type: 'string' } },
    configuration: {
      type: 'object',
      properties: { Connection: configurationDescription, Settings: configurationDescription },
      required: ['Connection', 'Settings'],
    },
    input: rowSchemaDescription,
    output: rowSchemaDescription,
    statusCodes: {},
    api: {},
    idempotent: { type: 'boolean' },
  },
  required: ['id', 'name', 'description', 'version', 'versionBadge', 'badges', 'configuration', 'input', 'output', 'idempotent'],
} as const;

/** A page of a background run's output rows. */
export const rowsPageResponse = {
  type: 'object',
  properties: {
    offset: count,
    rows: { type: 'array', items: { type: 'object', description: "An output row of the run's connector (its output schema)" } },
    available: { ...count, description: 'Output rows recorded so far' },
    done: { type: 'boolean', description: 'The run has ended: no row will be added' },
    nextOffset: { type: ['integer', 'null'], minimum: 0, description: 'Where to read next; null when every row has been read' },
  },
  required: ['offset', 'rows', 'available', 'done', 'nextOffset'],
  additionalProperties: false,
} as const;

/** The JSON answer of POST /v1/connectors/:id/run: the output rows (the connector's output schema) and the result. */
export function syncRunResponse(outputSchemaId: string): Record<string, unknown> {
  return {
    type: 'object',
    properties: { rows: { type: 'array', items: { $ref: outputSchemaId } }, result: runResultRef },
    required: ['rows', 'result'],
    additionalProperties: false,
  };
}
