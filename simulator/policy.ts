import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Clock } from '../runtime/clock.js';
import { endpointOfRoute, UNMATCHED_ENDPOINT } from './endpoints.js';
import { faultResponse, latencyFor, type FaultInjector } from './faults.js';
import type { SlidingWindowLimiter } from './rate-limit.js';
import { messages, sendError } from './reply.js';
import type { SimulatorStats } from './stats.js';

export interface PolicyOptions {
  token: string;
  seed: number;
  /** endpoint key → requests per second; false = no limits */
  limits: ReadonlyMap<string, number> | false;
  limiter: SlidingWindowLimiter;
  injector: FaultInjector;
  latencyMs: readonly [number, number];
  clock: Clock;
  stats: SimulatorStats;
  /** Aborted when the app closes, so latency and slow answers do not hold the close. */
  closing: AbortSignal;
}

interface RequestState {
  endpoint: string;
  arrivedAt: number;
  url: string;
  fault?: string;
  /** The connection was dropped on purpose: nothing more to record. */
  dropped?: boolean;
  truncate?: boolean;
}

/**
 * What stands in front of every /v2 route, in respond.io's order: auth (401) → rate limit (429) → added latency →
 * injected faults. Then stats for each answer. Installed on the /v2 context only, so extra plugins stay outside it.
 */
export function installPolicy(app: FastifyInstance, options: PolicyOptions): void {
  const { token, limits, limiter, injector, clock, stats } = options;
  const states = new WeakMap<FastifyRequest, RequestState>();
  const expected = `Bearer ${token}`;

  app.addHook('onRequest', async (request, reply) => {
    const spec = endpointOfRoute(request.method, request.routeOptions.url?.replace(/^\/v2/, ''));
    const endpoint = spec?.key ?? UNMATCHED_ENDPOINT;
    const state: RequestState = { endpoint, arrivedAt: clock.now(), url: request.url };
    states.set(request, state);

    const authorization = request.headers.authorization ?? '';
    // The scheme is case-insensitive (RFC 9110); the token is not.
    if (authorization.replace(/^bearer +/i, 'Bearer ') !== expected) return sendError(reply, 401, messages.unauthorized);
    if (!spec) return; // the 404 handler answers

    const limit = limits === false ? undefined : limits.get(endpoint);
    if (limit !== undefined) {
      const decision = limiter.take(token, endpoint, limit);
      reply.header('X-RateLimit-Limit', String(decision.limit)).header('X-RateLimit-Remaining', String(decision.remaining));
      if (!decision.allowed) {
        stats.recordRateLimited(endpoint);
        reply.header('Retry-After', String(decision.retryAfterSeconds));
        return sendError(reply, 429, messages.tooManyRequests);
      }
    }

    const key = injector.requestKey(request.method, request.url);
    const latency = latencyFor(options.seed, options.latencyMs, key);
    if (latency > 0 && !(await pause(latency))) return drop(reply, state);

    const burst = injector.inBurst(endpoint);
    if (burst !== undefined) {
      state.fault = '429';
      stats.recordFault(endpoint, '429');
      reply.header('Retry-After', String(burst));
      return sendError(reply, 429, messages.tooManyRequests);
    }
    const fault = injector.decide(key);
    if (fault === undefined) return;
    state.fault = fault;
    stats.recordFault(endpoint, fault);
    switch (fault) {
      case 'reset':
        return drop(reply, state);
      case 'slow':
        if (!(await pause(injector.slowMs))) return drop(reply, state);
        return;
      case 'truncated':
        state.truncate = true;
        return;
      case '429':
        reply.header('Retry-After', String(injector.startBurst(endpoint)));
        return sendError(reply, 429, messages.tooManyRequests);
      default: {
        const answer = faultResponse(fault);
        if (answer.contentType) reply.type(answer.contentType);
        return reply.code(answer.status).send(answer.body);
      }
    }
  });

  // A 'truncated' fault: a 200 whose JSON stops halfway (the Content-Length matches what is sent).
  app.addHook('onSend', async (request, reply, payload) => {
    if (!states.get(request)?.truncate || reply.statusCode >= 300 || typeof payload !== 'string' || payload.length < 2) return payload;
    return payload.slice(0, Math.max(1, Math.floor(payload.length / 2)));
  });

  app.addHook('onResponse', async (request, reply) => {
    const state = states.get(request);
    if (state && !state.dropped) stats.record(state.endpoint, reply.statusCode, state.arrivedAt, logDetail(state));
  });

  function logDetail(state: RequestState): { url: string; fault?: string } {
    return state.fault === undefined ? { url: state.url } : { url: state.url, fault: state.fault };
  }

  async function pause(ms: number): Promise<boolean> {
    try {
      await clock.sleep(ms, options.closing);
      return true;
    } catch {
      return false; // closing
    }
  }

  function drop(reply: FastifyReply, state: RequestState): FastifyReply {
    state.dropped = true;
    stats.record(state.endpoint, 'reset', state.arrivedAt, logDetail(state));
    reply.hijack();
    // Destroys the socket without a byte of answer: the client sees ECONNRESET / "socket hang up".
    reply.raw.destroy();
    return reply;
  }
}
