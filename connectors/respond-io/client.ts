import { ConfigurationError, RowError } from '../../runtime/errors.js';
import type { UpstreamStats } from '../../runtime/connector.js';
import { redactor } from '../../runtime/secrets.js';
import { AttemptLoop, type AttemptAnswer } from './attempt-loop.js';
import { RequestCoalescer } from './coalescing.js';
import { parseEndpointKey, pathFitsTemplate, UNLISTED_ENDPOINT_RPS, type HttpMethod } from './endpoints.js';
import { httpErrorMessage } from './error-mapping.js';
import { createTransport } from './http.js';
import { limitLearner, type ConfiguredLimit } from './learned-limits.js';
import { buildPath, type PathParams } from './path.js';
import { resolveClientOptions, type RespondIoClientOptions } from './options.js';
import { organizationKey } from './pacer.js';
import type { RespondIoContact, RespondIoMessage } from './types.js';

/** What a call goes to: a manifest entry's `api` + `idempotent` (runtime ConnectorEndpoint fits it). */
export interface RespondIoEndpoint {
  method: HttpMethod;
  /** '/contact/{identifier}/message/{messageId}' */
  path: string;
  /** 'api' (default): under the Connection's Base URL. 'webhook' calls go through the WebhookClient instead. */
  host?: 'api' | 'webhook' | undefined;
  /** Whether a 5xx or a timeout may be repeated. */
  idempotent: boolean;
}

export interface CallRequest {
  /** Values of the path's placeholders: {identifier} and {messageId} are checked locally (400, no request). */
  params?: PathParams;
  query?: Readonly<Record<string, string | number | boolean>>;
  /** Sent as JSON. */
  body?: unknown;
}

/** The row's context, as the runtime hands it to a connector (RowContext fits it). */
export interface CallContext {
  signal?: AbortSignal | undefined;
  /** Awaited right before a request of a call that is not idempotent leaves (a checkpointed run records an intent). */
  beforeSend?: (() => Promise<void>) | undefined;
}

export interface RespondIoRequest {
  /** The concrete path, segments already encoded ('/contact/id:1'); defaults to the template (no placeholders). */
  path?: string;
  query?: Readonly<Record<string, string | number | boolean>>;
  /** Sent as JSON. */
  body?: unknown;
}

/** One page of a list endpoint; `cursorId` is the next page's, undefined on the last page. */
export interface ListPage<T> {
  items: T[];
  cursorId: string | undefined;
}

export interface RespondIoClient {
  /** Calls an endpoint: its placeholders filled from `params`, paced, retried per the outcome table. The parsed JSON body. */
  call<T = unknown>(endpoint: RespondIoEndpoint, request?: CallRequest, context?: CallContext): Promise<T>;
  /**
   * Follows a list endpoint's pages (`{ items, pagination: { next } }`): `cursorId` is taken from `pagination.next`
   * (a full URL, with or without /v2); an empty, null or missing `next` ends it. Each page is one paced, retried call.
   */
  paginate<T = unknown>(endpoint: RespondIoEndpoint, request?: CallRequest & { limit?: number }, context?: CallContext): AsyncGenerator<ListPage<T>>;
  /** GET /contact/{identifier}: the raw body. Throws RowError (400 bad identifier, upstream status, 500 no response). */
  getContact(identifier: string, signal?: AbortSignal): Promise<RespondIoContact>;
  /** GET /contact/{identifier}/message/{messageId}: the raw body. */
  getMessage(identifier: string, messageId: string, signal?: AbortSignal): Promise<RespondIoMessage>;
  /** Any endpoint by its 'METHOD /path/{template}' key, with a path already built; GETs only are idempotent. */
  request<T = unknown>(endpointKey: string, request?: RespondIoRequest, signal?: AbortSignal): Promise<T>;
  /** This client's traffic (one client = one run). */
  stats(): UpstreamStats;
  /** Frees the keep-alive sockets. */
  close(): void;
}

export const getContactEndpoint: RespondIoEndpoint = { method: 'GET', path: '/contact/{identifier}', idempotent: true };
export const getMessageEndpoint: RespondIoEndpoint = { method: 'GET', path: '/contact/{identifier}/message/{messageId}', idempotent: true };

/**
 * The respond.io API client: every call goes through the one attempt loop (attempt-loop.ts): paced per endpoint and
 * organization, retried per the outcome table, errors mapped to typed errors, a 401 latched for the run.
 */
export function createRespondIoClient(options: RespondIoClientOptions): RespondIoClient {
  const config = resolveClientOptions(options);
  const transport = createTransport(config.baseUrl, config.token, config.timeoutMs);
  const clean = redactor([config.token]);
  const organization = organizationKey(config.token, config.baseUrl, options.organization);
  const learner = config.rateLimitHeaders ? limitLearner(config.clock) : undefined;
  // One client = one run = one token and Base URL: its coalescer never hands one token's answer to another.
  const coalescer = config.coalesce ? new RequestCoalescer<AttemptAnswer>() : undefined;
  const loop = new AttemptLoop({
    transport,
    clean,
    policy: config.retryPolicy,
    clock: config.clock,
    random: config.random,
    wallClock: config.wallClock,
    logger: config.logger,
    timeoutMs: config.timeoutMs,
    maxResponseBytes: config.maxResponseBytes,
    budget: config.rateBudget,
    organization,
    credential: 'the token',
    describeStatus: httpErrorMessage,
  });

  async function send(key: string, method: HttpMethod, path: string, idempotent: boolean, request: CallRequest | RespondIoRequest, context: CallContext): Promise<unknown> {
    const configured: ConfiguredLimit = { rps: config.rateLimits[key] ?? UNLISTED_ENDPOINT_RPS, explicit: options.rateLimits?.[key] !== undefined };
    const attempt = (signal: AbortSignal | undefined): Promise<AttemptAnswer> =>
      loop.run({
        key,
        method,
        url: path.replace(/^\//, ''),
        searchParams: request.query,
        body: request.body,
        idempotent,
        // Unpaced calls still queue on the limiter: a 429 from another row pauses them too.
        limit: !config.pacing ? undefined : learner ? () => learner.limit(organization, key, configured) : configured.rps,
        onAnswer: learner && ((answer) => learner.observe(organization, key, configured, answer, config.logger)),
        signal,
        beforeSend: context.beforeSend,
      });
    // Only a GET that may be repeated is shared: the answer is the raw text, parsed per caller (each row its own object).
    const answer =
      coalescer && method === 'GET' && idempotent
        ? await coalescer.run(coalescingKey(method, path, request.query), context.signal, attempt, (signal) => loop.aborted(signal))
        : await attempt(context.signal);
    return parseBody(key, answer.status, answer.body);
  }

  function parseBody(key: string, status: number, text: string): unknown {
    if (text.trim() === '') return undefined;
    try {
      return JSON.parse(text);
    } catch (error) {
      const excerpt = text.length > 100 ? `${text.slice(0, 100)}…` : text;
      throw new RowError('RC_UPSTREAM_BAD_BODY', 500, clean(`respond.io answered ${status} on ${key} with a body that is not valid JSON (${text.length} characters): ${JSON.stringify(excerpt)}`), { cause: error });
    }
  }

  function call<T>(endpoint: RespondIoEndpoint, request: CallRequest = {}, context: CallContext = {}): Promise<T> {
    if (endpoint.host === 'webhook') throw new ConfigurationError('RC_INVALID_OPTION', `${endpoint.method} ${endpoint.path} is a webhook endpoint: post it with the WebhookClient`);
    const path = buildPath(endpoint.path, request.params ?? {});
    return send(`${endpoint.method} ${endpoint.path}`, endpoint.method, path, endpoint.idempotent, request, context) as Promise<T>;
  }

  async function* paginate<T>(endpoint: RespondIoEndpoint, request: CallRequest & { limit?: number } = {}, context: CallContext = {}): AsyncGenerator<ListPage<T>> {
    const key = `${endpoint.method} ${endpoint.path}`;
    const { limit, ...rest } = request;
    const seen = new Set<string>();
    let cursorId: string | undefined;
    do {
      const query = { ...rest.query, ...(limit !== undefined ? { limit } : {}), ...(cursorId !== undefined ? { cursorId } : {}) };
      const body = await call<unknown>(endpoint, { ...rest, query }, context);
      const page = listPage<T>(key, body, config.baseUrl);
      cursorId = page.cursorId;
      // A server that hands back a cursor already followed would loop forever: end the row instead.
      if (cursorId !== undefined && seen.has(cursorId)) throw new RowError('RC_UPSTREAM_BAD_BODY', 500, `respond.io answered ${key} with pagination.next pointing back to cursorId ${JSON.stringify(cursorId)}, already followed`);
      if (cursorId !== undefined) seen.add(cursorId);
      yield page;
    } while (cursorId !== undefined);
  }

  return {
    call,
    paginate,
    async getContact(identifier, signal) {
      return objectBody<RespondIoContact>(getContactEndpoint, await call(getContactEndpoint, { params: { identifier } }, { signal }));
    },
    async getMessage(identifier, messageId, signal) {
      return objectBody<RespondIoMessage>(getMessageEndpoint, await call(getMessageEndpoint, { params: { identifier, messageId } }, { signal }));
    },
    async request<T>(endpointKey: string, request: RespondIoRequest = {}, signal?: AbortSignal): Promise<T> {
      const endpoint = parseEndpointKey(endpointKey);
      if (!endpoint) throw new ConfigurationError('RC_INVALID_OPTION', `endpoint key ${JSON.stringify(endpointKey)} must look like 'POST /contact/list'`);
      const path = request.path ?? endpoint.template;
      if (!pathFitsTemplate(path, endpoint.template)) {
        throw new ConfigurationError('RC_INVALID_OPTION', `path ${JSON.stringify(clean(path))} does not fit the endpoint template ${endpoint.template}`);
      }
      return (await send(endpoint.key, endpoint.method, path, endpoint.method === 'GET', request, { signal })) as T;
    },
    stats: () => loop.stats(),
    close: () => transport.close(),
  };
}

/** The same method, path and query (in any order) are the same request; a client holds one token and one Base URL. */
function coalescingKey(method: HttpMethod, path: string, query: Readonly<Record<string, string | number | boolean>> | undefined): string {
  const search = new URLSearchParams(Object.entries(query ?? {}).map(([name, value]): [string, string] => [name, String(value)]));
  search.sort();
  return `${method} ${path}?${search.toString()}`;
}

/** A 2xx body that must be a JSON object (a contact, a message). */
export function objectBody<T>(endpoint: RespondIoEndpoint, body: unknown): T {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new RowError('RC_UPSTREAM_BAD_BODY', 500, `respond.io answered 2xx on ${endpoint.method} ${endpoint.path} without the JSON object expected (got ${body === undefined ? 'an empty body' : Array.isArray(body) ? 'an array' : typeof body})`);
  }
  return body as T;
}

/** `{ items, pagination: { next } }` → the items and the next cursorId (undefined at the end: "", null, missing). */
export function listPage<T>(key: string, body: unknown, baseUrl: string): ListPage<T> {
  const items = (body as { items?: unknown } | null)?.items;
  if (!Array.isArray(items)) throw new RowError('RC_UPSTREAM_BAD_BODY', 500, `respond.io answered ${key} without the list expected ({ items: [...] })`);
  const next = (body as { pagination?: { next?: unknown } }).pagination?.next;
  if (typeof next !== 'string' || next.trim() === '') return { items: items as T[], cursorId: undefined };
  let cursorId: string | null;
  try {
    // Seen as a full URL with /v2, without it, or relative: only its cursorId matters.
    cursorId = new URL(next, `${baseUrl}/`).searchParams.get('cursorId');
  } catch {
    cursorId = null;
  }
  return { items: items as T[], cursorId: cursorId === null || cursorId === '' ? undefined : cursorId };
}
