import type { ErrorObject } from 'ajv';
import type { FastifyInstance } from 'fastify';
import type { ConnectorDescription } from '../../runtime/describe.js';
import type { SchemaRegistry } from '../../runtime/schema-registry.js';

/**
 * Route validation goes through the registry's one Ajv instance, so a route schema can `$ref` the same named schemas
 * (a connector's Settings) that the runtime validates against. That instance does not coerce types: query strings
 * are declared as strings with a pattern and converted by the route.
 */
export function useRegistryValidator(app: FastifyInstance, registry: SchemaRegistry): void {
  app.setValidatorCompiler(({ schema }) => registry.ajv.compile(schema));
}

export interface FieldProblem {
  /** Where: `body`, `body.settings.Error behavior`, `querystring.offset`. */
  field: string;
  message: string;
  allowedValues?: unknown[];
}

function fieldOf(context: string, error: ErrorObject): string {
  const parts = error.instancePath
    .split('/')
    .slice(1)
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (error.keyword === 'required') parts.push(String(error.params.missingProperty));
  if (error.keyword === 'additionalProperties') parts.push(String(error.params.additionalProperty));
  return [context, ...parts].join('.');
}

/** Ajv's errors as the client reads them: the field and the rule, never the value received (it may be a secret). */
export function describeValidation(errors: unknown[], context: string): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const seen = new Set<string>();
  for (const error of errors as ErrorObject[]) {
    // `if` only says "the then-branch failed"; that branch's own errors are listed too.
    if (error.keyword === 'if') continue;
    const field = fieldOf(context, error);
    let problem: FieldProblem;
    switch (error.keyword) {
      case 'required':
        problem = { field, message: `${field} is required` };
        break;
      case 'additionalProperties':
        problem = { field, message: `${field} is not allowed here` };
        break;
      case 'enum': {
        const allowed = error.params.allowedValues as unknown[];
        problem = { field, message: `${field} must be one of ${allowed.map((v) => JSON.stringify(v)).join(', ')}`, allowedValues: allowed };
        break;
      }
      default:
        problem = { field, message: `${field} ${error.message ?? 'is invalid'}` };
    }
    if (!seen.has(problem.message)) {
      seen.add(problem.message);
      problems.push(problem);
    }
  }
  return problems.length > 0 ? problems : [{ field: context, message: `${context} is invalid` }];
}

const settingsRef = (connector: ConnectorDescription): { $ref: string } => ({ $ref: connector.configuration.Settings.schema.$id });

/** The JSON body of `POST /v1/connectors/:id/run`: rows are checked one by one by the runtime, not here. */
export function runBodySchema(connector: ConnectorDescription): Record<string, unknown> {
  return {
    type: 'object',
    properties: {
      connection: { type: 'object' },
      settings: settingsRef(connector),
      rows: { type: 'array' },
      concurrency: { type: 'integer', minimum: 1, maximum: 256 },
    },
    required: ['rows'],
    additionalProperties: false,
  };
}

/** The body of `POST /v1/runs`: the connector is named in the body, so each connector's Settings apply by `if`/`then`. */
export function startRunBodySchema(connectors: ConnectorDescription[]): Record<string, unknown> {
  return {
    type: 'object',
    properties: {
      connector: { type: 'string', minLength: 1 },
      connection: { type: 'object' },
      settings: { type: 'object' },
      rows: { type: 'array' },
      concurrency: { type: 'integer', minimum: 1, maximum: 256 },
    },
    required: ['connector', 'rows'],
    additionalProperties: false,
    allOf: connectors.map((connector) => ({
      if: { properties: { connector: { enum: [connector.id, connector.name] } }, required: ['connector'] },
      then: { properties: { settings: settingsRef(connector) } },
    })),
  };
}

export const runIdParams = {
  type: 'object',
  properties: { id: { type: 'string', minLength: 1, maxLength: 100 } },
  required: ['id'],
  additionalProperties: false,
} as const;

const count = { type: 'string', pattern: '^[0-9]{1,9}$' };

export const rowsQuery = {
  type: 'object',
  properties: { offset: count, limit: count },
  additionalProperties: false,
} as const;

/** Query of the streaming route: settings may come here as JSON when the body has no header line. */
export const streamQuery = {
  type: 'object',
  properties: { settings: { type: 'string' }, errorBehavior: { type: 'string' }, concurrency: { type: 'string', pattern: '^[0-9]{1,3}$' } },
  additionalProperties: false,
} as const;
