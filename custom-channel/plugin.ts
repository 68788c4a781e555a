import type { ServerResponse } from 'node:http';
import type { FastifyError, FastifyInstance, FastifyPluginAsync, FastifyReply } from 'fastify';
import { MAX_MID_LENGTH, ProviderFailure } from './adapter.js';
import { bearerTokenChecker } from '../runtime/bearer-token.js';
import { SchemaRegistry } from '../runtime/schema-registry.js';
import { checkOptions, DEFAULT_BODY_LIMIT, type CustomChannelOptions } from './options.js';
import { formatIssues } from '../runtime/schema-issues.js';
import { CustomChannelValidator, tokenProblems } from '../connectors/respond-io/custom-channel-rules.js';

/** seed 002's error shape: `{ "error": { "message": "…" } }`. */
function sendError(reply: FastifyReply, status: number, message: string): FastifyReply {
  return reply.code(status).send({ error: { message } });
}

/**
 * `POST /message`: respond.io sending a message out through this channel. Encapsulated on purpose (no
 * fastify-plugin): its auth hook and error handler apply to its own route only, so it mounts under any prefix of a
 * bigger app (`app.register(customChannelPlugin, { prefix: '/respondio', … })`) without touching the app's routes.
 */
export const customChannelPlugin: FastifyPluginAsync<CustomChannelOptions> = async (app: FastifyInstance, options) => {
  checkOptions(options);
  const { channelId, idType, adapter } = options;
  const checkToken = bearerTokenChecker(options.apiToken);
  const validator = new CustomChannelValidator(options.registry ?? SchemaRegistry.load());
  const closing = new AbortController();

  app.addHook('onClose', async () => {
    closing.abort(new Error('the custom channel server is closing'));
    await adapter.close?.();
  });

  // Body parse errors (malformed JSON 400, too large 413, wrong content type 415) and anything unexpected: the seed's
  // error shape, the framework's message for 4xx, nothing internal (no stack, no cause) for 5xx.
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const status = error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
    if (status === 500) {
      request.log.error({ err: { type: error.name, code: error.code } }, 'custom channel: unexpected error');
      return sendError(reply, 500, 'internal error');
    }
    const message = error.code === 'FST_ERR_CTP_BODY_TOO_LARGE' ? `the body is larger than ${options.bodyLimit ?? DEFAULT_BODY_LIMIT} bytes` : error.message;
    return sendError(reply, status, message.startsWith('Unexpected') || error instanceof SyntaxError ? `the body is not valid JSON: ${message}` : message);
  });

  // JSON only: without this, fastify's text/plain parser would hand a string to validation ("must be object")
  // where 415 says what is wrong. Encapsulated: the parent app keeps its own parsers.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, app.getDefaultJsonParser('error', 'error'));

  app.post('/message', {
    bodyLimit: options.bodyLimit ?? DEFAULT_BODY_LIMIT,
    // onRequest runs before the body is read: a caller without the token is answered at once and sends no more.
    onRequest: async (request, reply) => {
      const check = checkToken(request.headers.authorization);
      if (check !== 'ok') return sendError(reply, 401, tokenProblems[check]);
    },
    handler: async (request, reply) => {
      const checked = validator.outgoingMessage(request.body, { channelId, idType });
      if (!checked.ok) {
        request.log.warn({ problems: checked.issues.length }, 'custom channel: message refused (400), it breaks a rule of the Custom Channel page');
        return sendError(reply, 400, formatIssues(checked.issues));
      }
      const signal = AbortSignal.any([closing.signal, abortedWith(reply.raw)]);
      try {
        const { mId } = await adapter.send(checked.value, { signal, logger: request.log });
        if (typeof mId !== 'string' || mId === '' || mId.length > MAX_MID_LENGTH) {
          request.log.error({ adapter: adapter.name }, 'custom channel: the adapter returned no usable mId');
          return sendError(reply, 502, `the ${adapter.name} adapter returned no usable message id`);
        }
        request.log.info({ adapter: adapter.name, contactId: checked.value.contactId, type: checked.value.message.type, mId }, 'custom channel: message from respond.io handed to the adapter');
        return reply.code(200).send({ mId });
      } catch (error) {
        if (error instanceof ProviderFailure) {
          request.log.warn({ adapter: adapter.name, status: error.status }, error.message);
          return sendError(reply, error.status, error.message);
        }
        request.log.error({ adapter: adapter.name, err: { type: (error as Error)?.name } }, 'custom channel: the adapter crashed');
        return sendError(reply, 500, `the ${adapter.name} adapter failed`);
      }
    },
  });
};

/**
 * A signal that aborts when respond.io goes away before the answer. The response's 'close' (one per request) is
 * used, not the socket's: a keep-alive socket outlives many requests and would collect listeners.
 */
function abortedWith(response: ServerResponse): AbortSignal {
  const controller = new AbortController();
  response.once('close', () => {
    if (!response.writableFinished) controller.abort(new Error('respond.io closed the connection'));
  });
  return controller.signal;
}
