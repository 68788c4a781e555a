import SwaggerParser from '@apidevtools/swagger-parser';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import type { LightMyRequestResponse, RouteOptions } from 'fastify';
import t from 'tap';
import { buildServer } from '../../hosts/http/build-server.js';
import { API_KEY, eventually, ids, ndjson, parseNdjson, testServer, type TestServer } from './server-helpers.js';

interface Operation {
  security?: unknown[];
  responses: Record<string, { content?: Record<string, { schema: unknown }> }>;
}
interface OpenApiDocument {
  openapi: string;
  security?: unknown[];
  components: { securitySchemes: Record<string, unknown>; schemas: Record<string, unknown> };
  paths: Record<string, Record<string, Operation>>;
}

/** Routes the document leaves out on purpose: the catch-all that answers 404 for a connector id that does not exist. */
const HIDDEN = new Set(['POST /v1/connectors/{id}/run']);
const PUBLIC = new Set(['GET /healthz', 'GET /readyz', 'GET /openapi.json']);

const openApiPath = (url: string): string => url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

/** The real plugin's server, and every route fastify registered on it (HEAD routes are fastify's automatic twins of GETs). */
async function realServer(): Promise<{ app: Awaited<ReturnType<typeof buildServer>>; routes: Set<string> }> {
  const routes = new Set<string>();
  const app = await buildServer({
    apiKey: API_KEY,
    logger: false,
    onRoute: (route: RouteOptions) => {
      for (const method of [route.method].flat()) if (method !== 'HEAD') routes.add(`${method} ${openApiPath(route.url)}`);
    },
  });
  return { app, routes };
}

async function documentOf(inject: () => Promise<LightMyRequestResponse>): Promise<OpenApiDocument> {
  const response = await inject();
  if (response.statusCode !== 200) throw new Error(`GET /openapi.json answered ${response.statusCode}`);
  return response.json<OpenApiDocument>();
}

const operations = (document: OpenApiDocument): [string, Operation][] =>
  Object.entries(document.paths).flatMap(([path, methods]) => Object.entries(methods).map(([method, op]) => [`${method.toUpperCase()} ${path}`, op] as [string, Operation]));

/** Every `$ref` whose value is a string (a property may be *named* `$ref` in a schema's `properties`). */
function refsOf(node: unknown, out: string[] = []): string[] {
  if (Array.isArray(node)) for (const item of node) refsOf(item, out);
  else if (node !== null && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string') out.push(value);
      else refsOf(value, out);
    }
  }
  return out;
}

function resolvePointer(document: unknown, ref: string): unknown {
  let node: unknown = document;
  for (const token of ref.slice(2).split('/')) {
    const key = token.replace(/~1/g, '/').replace(/~0/g, '~');
    if (node === null || typeof node !== 'object' || !(key in node)) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

t.test('GET /openapi.json: a valid, self-contained OpenAPI 3.1 document of every route the server registers', async (t) => {
  const { app, routes } = await realServer();
  t.teardown(() => app.close());
  const document = await documentOf(() => app.inject({ url: '/openapi.json' }));

  t.equal(document.openapi, '3.1.0');
  // The validator dereferences in place: it gets a copy.
  await t.resolves(SwaggerParser.validate(structuredClone(document) as never), 'valid against the OpenAPI 3.1 schema, every $ref resolved');

  const refs = refsOf(document);
  t.ok(refs.length > 20, `refs found (${refs.length})`);
  const outside = refs.filter((ref) => !ref.startsWith('#/'));
  t.same(outside, [], 'no $ref leaves the document (registry $ids are rewritten)');
  const dangling = refs.filter((ref) => ref.startsWith('#/') && resolvePointer(document, ref) === undefined);
  t.same(dangling, [], 'every $ref points at something inside the document');
  t.notOk(JSON.stringify(document).includes('urn:respondio-connectors:schema:'), 'no registry $id left anywhere');

  const documented = new Set(operations(document).map(([key]) => key));
  t.ok(routes.size >= 14, `routes registered (${routes.size})`);
  for (const route of routes) {
    if (HIDDEN.has(route)) t.notOk(documented.has(route), `${route} is hidden on purpose`);
    else t.ok(documented.has(route), `${route} is documented`);
  }
  for (const operation of documented) t.ok(routes.has(operation), `${operation} is a real route`);
  for (const id of ['get-message', 'get-contact', 'custom-channel-send-event']) t.ok(documented.has(`POST /v1/connectors/${id}/run`), `the ${id} run route`);
});

t.test('the document declares the Bearer auth, and the routes it calls public are the ones that answer without a key', async (t) => {
  const { app } = await realServer();
  t.teardown(() => app.close());
  const document = await documentOf(() => app.inject({ url: '/openapi.json' }));

  t.same(document.components.securitySchemes.bearerAuth, { type: 'http', scheme: 'bearer', description: 'Authorization: Bearer <RESPONDIO_CONNECTORS_API_KEY>' });
  t.same(document.security, [{ bearerAuth: [] }], 'every operation needs it unless it says otherwise');
  for (const [key, operation] of operations(document)) {
    const [method, path] = key.split(' ') as [string, string];
    const url = path.replace('{id}', 'no-such-id');
    const response = await app.inject({ method: method as 'GET', url, ...(method === 'POST' ? { payload: {} } : {}) });
    if (PUBLIC.has(key)) {
      t.same(operation.security, [], `${key} is documented public`);
      t.not(response.statusCode, 401, `${key} answers without a key`);
    } else {
      t.equal(operation.security, undefined, `${key} keeps the global Bearer requirement`);
      t.equal(response.statusCode, 401, `${key} answers 401 without a key`);
      t.same(operation.responses['401']?.content?.['application/json']?.schema, { $ref: '#/components/schemas/ErrorBody' }, `${key} documents the 401`);
    }
  }
});

/** Validates answers against the schemas the document gives for that operation, status and content type. */
function checker(document: OpenApiDocument): (key: string, response: LightMyRequestResponse) => string[] {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats.default(ajv);
  ajv.addSchema(document as object, 'openapi');
  return (key, response) => {
    const [method, path] = key.split(' ') as [string, string];
    const pointer = ['paths', path, method.toLowerCase(), 'responses', String(response.statusCode), 'content', 'application/json', 'schema']
      .map((token) => token.replace(/~/g, '~0').replace(/\//g, '~1'))
      .join('/');
    if (resolvePointer(document, `#/${pointer}`) === undefined) return [`no schema documented for ${key} ${response.statusCode}`];
    const validate = ajv.compile({ $ref: `openapi#/${pointer}` });
    return validate(response.json()) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ''}`);
  };
}

t.test('real answers match the documented response schemas (success and error shapes)', async (t) => {
  const s: TestServer = await testServer();
  t.teardown(() => s.app.close());
  const document = await documentOf(() => s.request({ url: '/openapi.json' }));
  const check = checker(document);
  const expect = async (key: string, response: LightMyRequestResponse, status: number): Promise<LightMyRequestResponse> => {
    t.equal(response.statusCode, status, `${key} answers ${status}`);
    t.same(check(key, response), [], `${key} ${status} matches its documented schema`);
    return response;
  };

  await expect('GET /healthz', await s.request({ url: '/healthz' }), 200);
  await expect('GET /readyz', await s.request({ url: '/readyz' }), 200);
  await expect('GET /v1/manifest', await s.request({ url: '/v1/manifest' }), 200);
  await expect('GET /v1/connectors', await s.request({ url: '/v1/connectors' }), 200);
  await expect('GET /v1/connectors/{id}', await s.request({ url: '/v1/connectors/fake-contact' }), 200);
  await expect('GET /v1/connectors/{id}', await s.request({ url: '/v1/connectors/nope' }), 404);
  await expect('GET /v1/manifest', await s.request({ url: '/v1/manifest', auth: false }), 401);

  const run = 'POST /v1/connectors/fake-contact/run';
  const rows = ids('id:1', 'fail:404', 'id:3');
  const sync = await expect(run, await s.request({ method: 'POST', url: '/v1/connectors/fake-contact/run', payload: { rows, settings: { 'Error behavior': 'Do not fail and return response' } } }), 200);
  t.equal(sync.json<{ rows: unknown[] }>().rows.length, 3, 'an error row is among the rows checked');
  await expect(run, await s.request({ method: 'POST', url: '/v1/connectors/fake-contact/run', payload: { rows, settings: { 'Error behavior': 'nope' } } }), 400);

  // The NDJSON answer: each row line against the connector's output schema, the last line against RunResult.
  const stream = await s.request({ method: 'POST', url: '/v1/connectors/fake-contact/run', headers: { 'content-type': 'application/x-ndjson' }, payload: ndjson({ settings: { 'Error behavior': 'Do not fail and return response' } }, ...rows) });
  t.equal(stream.statusCode, 200);
  const lines = parseNdjson(stream.body);
  const ajv = new Ajv2020({ strict: false });
  addFormats.default(ajv);
  ajv.addSchema(document as object, 'openapi');
  const rowRef = (document.paths['/v1/connectors/fake-contact/run']?.post?.responses['200']?.content?.['application/json']?.schema as { properties: { rows: { items: { $ref: string } } } }).properties.rows.items.$ref;
  const validRow = ajv.compile({ $ref: `openapi${rowRef}` });
  const validResult = ajv.compile({ $ref: 'openapi#/components/schemas/RunResult' });
  t.equal(lines.length, 4);
  for (const line of lines.slice(0, -1)) t.ok(validRow(line), `row line matches ${rowRef}`);
  t.ok(validResult((lines.at(-1) as { result: unknown }).result), 'the result line matches RunResult');

  const started = await expect('POST /v1/runs', await s.request({ method: 'POST', url: '/v1/runs', payload: { connector: 'fake-contact', rows } }), 202);
  const id = started.json<{ id: string }>().id;
  await eventually(async () => ((await s.request({ url: `/v1/runs/${id}` })).json<{ status: string }>().status !== 'running' ? true : undefined));
  await expect('GET /v1/runs/{id}', await s.request({ url: `/v1/runs/${id}` }), 200);
  await expect('GET /v1/runs', await s.request({ url: '/v1/runs' }), 200);
  await expect('GET /v1/runs/{id}/rows', await s.request({ url: `/v1/runs/${id}/rows?limit=2` }), 200);
  await expect('GET /v1/runs/{id}/rows', await s.request({ url: `/v1/runs/${id}/rows?limit=0` }), 400);
  await expect('DELETE /v1/runs/{id}', await s.request({ method: 'DELETE', url: `/v1/runs/${id}` }), 200);
  await expect('GET /v1/runs/{id}', await s.request({ url: '/v1/runs/unknown-run' }), 404);
  await expect('POST /v1/runs', await s.request({ method: 'POST', url: '/v1/runs', payload: { connector: 'fake-contact' } }), 400);
});

t.test('a response schema documents, it does not reshape: a field the schema lacks still reaches the client', async (t) => {
  const s = await testServer();
  t.teardown(() => s.app.close());
  // The description has fields the documented schema leaves open (statusCodes, api, releaseNotes): they are all sent.
  const described = (await s.request({ url: '/v1/connectors/fake-contact' })).json<Record<string, unknown>>();
  t.same(described, JSON.parse(JSON.stringify(s.app.host.plugin.describe('fake-contact'))));
});
