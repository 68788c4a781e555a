import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { errorBody, sendError } from './http-errors.js';

const digest = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();

/**
 * Compares a presented key with the expected one in constant time. Both sides are hashed first, so the comparison
 * takes the same time whatever the length of the key presented (timingSafeEqual needs equal lengths).
 */
export function keyMatches(presented: string, expected: string): boolean {
  return timingSafeEqual(digest(presented), digest(expected));
}

function bearerOf(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (typeof header !== 'string') return undefined;
  const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header);
  return match?.[1];
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|::ffff:127\.\d+\.\d+\.\d+)$/;
export const isLoopbackAddress = (address: string | undefined): boolean => address !== undefined && LOOPBACK.test(address);

/** Routes marked `config: { public: true }` (health, readiness) are open; every other route needs the Bearer key. */
export function installAuth(app: FastifyInstance, apiKey: string | undefined): void {
  app.addHook('onRequest', async (request, reply) => {
    if ((request.routeOptions.config as { public?: boolean } | undefined)?.public === true) return;
    if (apiKey === undefined) {
      // An open host (allowOpenOnLoopback) answers the machine itself only.
      if (isLoopbackAddress(request.socket.remoteAddress)) return;
      return sendError(reply, errorBody('RC_UNAUTHORIZED', 401, 'this host runs without an API key and answers loopback clients only'));
    }
    const presented = bearerOf(request);
    if (presented === undefined || !keyMatches(presented, apiKey)) {
      reply.header('WWW-Authenticate', 'Bearer realm="respondio-connectors"');
      return sendError(reply, errorBody('RC_UNAUTHORIZED', 401, presented === undefined ? 'send Authorization: Bearer <API key>' : 'the API key is not valid'));
    }
  });
}
