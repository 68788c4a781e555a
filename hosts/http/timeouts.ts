import type { FastifyRequest } from 'fastify';

/**
 * Slow-client and idle limits of the HTTP host (fastify leaves them all off but keep-alive, 72 s):
 * - headersMs: the request line and headers must arrive within 30 s (slowloris);
 * - idleMs: a socket with no byte either way for 60 s is closed — a JSON body that trickles, a client that connects
 *   and says nothing. Once a run starts, its request is exempt (runOutlivesIdleTimeout): a sync run is silent until
 *   it ends, and a stream may pause on rate limits or backpressure; the run's own upstream timeouts bound it, and a
 *   client that goes away cancels it;
 * - keepAliveMs: an idle keep-alive connection is closed after 5 s;
 * - requestMs stays 0 (no limit on receiving the whole request): an NDJSON stream's body lasts as long as its run,
 *   which Node's requestTimeout would cut. The idle limit covers the slow-body case instead;
 * - checkEveryMs: how often Node looks for requests past headersMs (its default, 30 s, would let a slow client hold a
 *   socket for up to twice the limit).
 * `buildServer({ timeouts })` overrides them (tests use short ones to see a slow client really cut off).
 */
export interface HostTimeouts {
  headersMs: number;
  idleMs: number;
  keepAliveMs: number;
  requestMs: number;
  checkEveryMs: number;
}

export const HOST_TIMEOUTS: Readonly<HostTimeouts> = { headersMs: 30_000, idleMs: 60_000, keepAliveMs: 5_000, requestMs: 0, checkEveryMs: 1_000 };

/** Lifts the idle limit for the rest of this request (Node restores it for the next request on a keep-alive socket). */
export function runOutlivesIdleTimeout(request: FastifyRequest): void {
  const socket = request.raw.socket as { setTimeout?: (ms: number) => unknown } | undefined;
  socket?.setTimeout?.(0);
}
