import type { FastifyInstance } from 'fastify';
import { bearerTokenChecker } from '../../runtime/bearer-token.js';
import { errorBody, sendError } from './http-errors.js';

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|::ffff:127\.\d+\.\d+\.\d+)$/;
export const isLoopbackAddress = (address: string | undefined): boolean => address !== undefined && LOOPBACK.test(address);

/** Routes marked `config: { public: true }` (health, readiness) are open; every other route needs the Bearer key. */
export function installAuth(app: FastifyInstance, apiKey: string | undefined): void {
  const checkKey = bearerTokenChecker(apiKey ?? '');
  app.addHook('onRequest', async (request, reply) => {
    if ((request.routeOptions.config as { public?: boolean } | undefined)?.public === true) return;
    if (apiKey === undefined) {
      // An open host (allowOpenOnLoopback) answers the machine itself only.
      if (isLoopbackAddress(request.socket.remoteAddress)) return;
      return sendError(reply, errorBody('RC_UNAUTHORIZED', 401, 'this host runs without an API key and answers loopback clients only'));
    }
    const check = checkKey(request.headers.authorization);
    if (check !== 'ok') {
      reply.header('WWW-Authenticate', 'Bearer realm="respondio-connectors"');
      return sendError(reply, errorBody('RC_UNAUTHORIZED', 401, check === 'wrong' ? 'the API key is not valid' : 'send Authorization: Bearer <API key>'));
    }
  });
}
