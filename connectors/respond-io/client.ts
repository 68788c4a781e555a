import { copyStats, countStatus, noUpstreamStats, type UpstreamStats } from '../../runtime/connector.js';
import { ConfigurationError, RowError } from '../../runtime/errors.js';
import { scrubCause } from '../../runtime/scrub-cause.js';
import { parseEndpointKey, pathFitsTemplate, UNLISTED_ENDPOINT_RPS, type EndpointKey } from './endpoints.js';
import { redactor } from '../../runtime/secrets.js';
import { describeNoResponse, httpErrorMessage, networkErrorCode, statusLine } from './error-mapping.js';
import { createTransport } from './http.js';
import { parseIdentifier, parseMessageId } from './identifier.js';
import { resolveClientOptions, type RespondIoClientOptions } from './options.js';
import { organizationKey, sharedLimiter } from './pacer.js';
import { decideRetry, type AttemptOutcome } from './retry-policy.js';
import type { RespondIoContact, RespondIoMessage } from './types.js';

export interface RespondIoRequest {
  /** The concrete path, segments already encoded ('/contact/id:1'); defaults to the template (no placeholders). */
  path?: string;
  query?: Readonly<Record<string, string | number | boolean>>;
  /** Sent as JSON. */
  body?: unknown;
}

export interface RespondIoClient {
  /** GET /contact/{identifier}: the raw body. Throws RowError (400 bad identifier, upstream status, 500 no response). */
  getContact(identifier: string, signal?: AbortSignal): Promise<RespondIoContact>;
  /** GET /contact/{identifier}/message/{messageId}: the raw body. */
  getMessage(identifier: string, messageId: string, signal?: AbortSignal): Promise<RespondIoMessage>;
  /** Any endpoint, paced and retried under its 'METHOD /path/{template}' key. Resolves the parsed JSON body. */
  request<T = unknown>(endpointKey: string, request?: RespondIoRequest, signal?: AbortSignal): Promise<T>;
  /** This client's traffic (one client = one run). */
  stats(): UpstreamStats;
  /** Frees the keep-alive sockets. */
  close(): void;
}

/**
 * The respond.io API client: paced per endpoint and organization, retried per the policy, errors mapped to typed
 * errors. A 401 latches: the token is wrong for every row, so later calls fail locally with the same
 * ConfigurationError instead of spending one request per remaining row.
 */
export function createRespondIoClient(options: RespondIoClientOptions): RespondIoClient {
  const config = resolveClientOptions(options);
  const { token, clock, retryPolicy: policy, logger } = config;
  const transport = createTransport(config.baseUrl, token, config.timeoutMs);
  const organization = organizationKey(token, config.baseUrl);
  const stats = noUpstreamStats();
  let tokenRejected: string | undefined;
  // Every text built from upstream data goes through this: a server or proxy could echo the Authorization header.
  const clean = redactor([token]);

  const rejectedError = (message: string): ConfigurationError => new ConfigurationError('RC_TOKEN_REJECTED', message);

  const aborted = (signal: AbortSignal | undefined): RowError => {
    const reason: unknown = signal?.reason;
    const text = reason instanceof Error ? reason.message : reason === undefined ? 'aborted' : String(reason);
    return new RowError('RC_ABORTED', 500, clean(`request cancelled: ${text}`));
  };

  async function execute(endpoint: EndpointKey, path: string, request: RespondIoRequest, signal: AbortSignal | undefined): Promise<unknown> {
    if (tokenRejected !== undefined) throw rejectedError(tokenRejected);
    const limiter = sharedLimiter(clock, organization, endpoint.key);
    // Unpaced calls still queue on the limiter: a 429 from another row pauses them too.
    const intervalMs = config.pacing ? 1000 / (config.rateLimits[endpoint.key] ?? UNLISTED_ENDPOINT_RPS) : 0;
    let attempts = 0;
    let waitedMs = 0;
    for (;;) {
      // Another row's 429 paused the endpoint for longer than this row may wait: fail now, without a request.
      const paused = limiter.pauseRemainingMs();
      if (paused > policy.maxSingleWaitMs) {
        throw new RowError('RC_RETRY_BUDGET_EXHAUSTED', 429, `${endpoint.key} is paused by respond.io (429 Retry-After) for ${Math.ceil(paused)} ms more, longer than retryPolicy.maxSingleWaitMs ${policy.maxSingleWaitMs}`);
      }
      const queuedAt = clock.now();
      try {
        await limiter.acquire(intervalMs, signal);
      } catch {
        throw aborted(signal);
      }
      stats.rateLimitWaitMs += clock.now() - queuedAt;
      // Rows queued behind the one that got the 401 must not send either.
      if (tokenRejected !== undefined) throw rejectedError(tokenRejected);

      attempts += 1;
      stats.requests += 1;
      if (attempts > 1) stats.retries += 1;
      let outcome: AttemptOutcome;
      let failure: RowError;
      try {
        const pending = transport.got(path.replace(/^\//, ''), {
          method: endpoint.method,
          ...(request.query ? { searchParams: { ...request.query } } : {}),
          ...(request.body !== undefined ? { json: request.body } : {}),
          ...(signal ? { signal } : {}),
        });
        // The pace counts from when the request really left, not from when the limiter let it through (pacer.ts).
        pending.on('request', (outgoing) => outgoing.once('finish', () => limiter.noteSent(clock.now())));
        const response = await pending;
        const status = response.statusCode;
        countStatus(stats, status);
        const text = response.body;
        if (status >= 200 && status < 300) return parseBody(endpoint, status, text);
        const message = clean(httpErrorMessage(status, text));
        if (status === 401) {
          tokenRejected = `respond.io rejected the token (401): ${message}`;
          logger.error({ endpoint: endpoint.key, status }, 'respond.io rejected the token: no further request is made with it in this run');
          throw rejectedError(tokenRejected);
        }
        if (status === 429) stats.rateLimited += 1;
        outcome = { kind: 'status', status, retryAfter: response.headers['retry-after'] };
        failure = new RowError('RC_UPSTREAM_HTTP_ERROR', status, message);
      } catch (error) {
        if (error instanceof ConfigurationError || error instanceof RowError) throw error;
        if (signal?.aborted) throw aborted(signal);
        countStatus(stats, 'none');
        const code = networkErrorCode(error);
        outcome = { kind: 'network', code };
        // The got error holds the request options, the Authorization header included: only a scrubbed copy is kept.
        failure = new RowError('RC_UPSTREAM_NO_RESPONSE', 500, clean(`no response from respond.io on ${endpoint.key}: ${describeNoResponse(code, config.timeoutMs, error)}`), { cause: scrubCause(error) });
      }

      const decision = decideRetry(outcome, { method: endpoint.method, attempts, waitedMs, policy, random: config.random, wallNowMs: config.wallClock() });
      if (decision.action !== 'stop' && decision.reason === 'rate-limited') limiter.pauseUntil(clock.now() + decision.waitMs);
      if (decision.action === 'stop') throw failure;
      const last = outcome.kind === 'status' ? statusLine(outcome.status) : `no response (${outcome.code})`;
      if (decision.action === 'give-up') {
        throw new RowError('RC_RETRY_BUDGET_EXHAUSTED', failure.statusCode, `${endpoint.key} gave up after ${last}: ${decision.why}; last error: ${failure.message}`, { cause: failure });
      }
      logger.debug({ endpoint: endpoint.key, attempt: attempts, last, reason: decision.reason, waitMs: decision.waitMs }, 'respond.io call will be retried');
      waitedMs += decision.waitMs;
      // A 429's wait happens in the limiter (paused for every row above); the others wait here.
      if (decision.reason !== 'rate-limited') {
        try {
          await clock.sleep(decision.waitMs, signal);
        } catch {
          throw aborted(signal);
        }
      }
    }
  }

  function parseBody(endpoint: EndpointKey, status: number, text: string): unknown {
    if (text.trim() === '') return undefined;
    try {
      return JSON.parse(text);
    } catch (error) {
      const excerpt = text.length > 100 ? `${text.slice(0, 100)}…` : text;
      throw new RowError('RC_UPSTREAM_BAD_BODY', 500, clean(`respond.io answered ${status} on ${endpoint.key} with a body that is not valid JSON (${text.length} characters): ${JSON.stringify(excerpt)}`), { cause: error });
    }
  }

  function objectBody<T>(endpoint: EndpointKey, body: unknown): T {
    if (body === null || typeof body !== 'object' || Array.isArray(body)) {
      throw new RowError('RC_UPSTREAM_BAD_BODY', 500, `respond.io answered 2xx on ${endpoint.key} without the JSON object expected (got ${body === undefined ? 'an empty body' : Array.isArray(body) ? 'an array' : typeof body})`);
    }
    return body as T;
  }

  const contactKey = parseEndpointKey('GET /contact/{identifier}') as EndpointKey;
  const messageKey = parseEndpointKey('GET /contact/{identifier}/message/{messageId}') as EndpointKey;

  return {
    async getContact(identifier, signal) {
      const contact = parseIdentifier(identifier);
      return objectBody<RespondIoContact>(contactKey, await execute(contactKey, `/contact/${contact.pathSegment}`, {}, signal));
    },
    async getMessage(identifier, messageId, signal) {
      const contact = parseIdentifier(identifier);
      const id = parseMessageId(messageId);
      return objectBody<RespondIoMessage>(messageKey, await execute(messageKey, `/contact/${contact.pathSegment}/message/${id}`, {}, signal));
    },
    async request<T>(endpointKey: string, request: RespondIoRequest = {}, signal?: AbortSignal): Promise<T> {
      const endpoint = parseEndpointKey(endpointKey);
      if (!endpoint) throw new ConfigurationError('RC_INVALID_OPTION', `endpoint key ${JSON.stringify(endpointKey)} must look like 'POST /contact/list'`);
      const path = request.path ?? endpoint.template;
      if (!pathFitsTemplate(path, endpoint.template)) {
        throw new ConfigurationError('RC_INVALID_OPTION', `path ${JSON.stringify(clean(path))} does not fit the endpoint template ${endpoint.template}`);
      }
      return (await execute(endpoint, path, request, signal)) as T;
    },
    stats: () => copyStats(stats),
    close: () => transport.close(),
  };
}
