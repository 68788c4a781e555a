import type { ErrorObject } from 'ajv';
import type { FastifyInstance } from 'fastify';
import type { ConnectorDescription } from '../../runtime/describe.js';
import { schemaIssues } from '../../runtime/schema-issues.js';
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

/** Ajv's issues as the client reads them: the field and the rule, never the value received (it may be a secret). */
export function describeValidation(errors: readonly ErrorObject[], context: string): FieldProblem[] {
  const problems = new Map<string, FieldProblem>();
  for (const issue of schemaIssues(errors)) {
    const field = [context, ...issue.path.map(String)].join('.');
    let problem: FieldProblem;
    if (issue.keyword === 'required') problem = { field, message: `${field} is required` };
    else if (issue.keyword === 'additionalProperties') problem = { field, message: `${field} is not allowed here` };
    else if (issue.keyword === 'enum') {
      const allowed = issue.params.allowedValues as unknown[];
      problem = { field, message: `${field} must be one of ${allowed.map((v) => JSON.stringify(v)).join(', ')}`, allowedValues: allowed };
    } else problem = { field, message: `${field} ${issue.message}` };
    if (!problems.has(problem.message)) problems.set(problem.message, problem);
  }
  return problems.size > 0 ? [...problems.values()] : [{ field: context, message: `${context} is invalid` }];
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
