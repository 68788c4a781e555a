import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';
import type { ErrorCode } from '../../runtime/error-codes.js';
import { ConnectorsError } from '../../runtime/errors.js';
import { describeValidation, type FieldProblem } from './validation.js';

/** The one shape of every error response of the host. */
export interface ErrorBody {
  error: { code: ErrorCode; message: string; statusCode: number; details?: unknown };
}

/** An error of the HTTP layer itself: a stable code from the one registry, and the status to answer with. */
export class HttpError extends ConnectorsError {
  constructor(
    code: ErrorCode,
    readonly statusCode: number,
    message: string,
    readonly details?: unknown,
  ) {
    super(code, message);
  }
}

/**
 * The HTTP status of an error that reached the host. A ConfigurationError of the runtime is the client's fault (400),
 * except an unknown connector (404). Row errors never get here: they are rows of the run, or its failure.
 */
function statusOf(error: ConnectorsError): number {
  if (error instanceof HttpError) return error.statusCode;
  if (error.code === 'RC_UNKNOWN_CONNECTOR') return 404;
  return error.kind === 'configuration' ? 400 : 500;
}

export function errorBody(code: ErrorCode, statusCode: number, message: string, details?: unknown): ErrorBody {
  return { error: { code, message, statusCode, ...(details === undefined ? {} : { details }) } };
}

export function sendError(reply: FastifyReply, body: ErrorBody): FastifyReply {
  return reply.code(body.error.statusCode).type('application/json; charset=utf-8').send(body);
}

/** Maps whatever was thrown to the one error shape. Never a stack, never a quote of the body (it may hold the token). */
export function toErrorBody(error: unknown): ErrorBody {
  if (error instanceof ConnectorsError) {
    return errorBody(error.code, statusOf(error), error.message, error instanceof HttpError ? error.details : undefined);
  }
  const fastifyError = error as Partial<FastifyError> & { validation?: unknown[]; validationContext?: string };
  if (Array.isArray(fastifyError.validation)) {
    const problems: FieldProblem[] = describeValidation(fastifyError.validation, fastifyError.validationContext ?? 'body');
    return errorBody('RC_INVALID_REQUEST', 400, problems.map((p) => p.message).join('; '), problems);
  }
  switch (fastifyError.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return errorBody('RC_BODY_TOO_LARGE', 413, 'the request body is over the limit of this server');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return errorBody('RC_INVALID_REQUEST', 415, 'send Content-Type application/json or application/x-ndjson');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return errorBody('RC_INVALID_REQUEST', 400, 'the body is empty; send a JSON object');
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    default:
      break;
  }
  // JSON.parse's own message quotes the body: say where, not what.
  if (error instanceof SyntaxError || fastifyError.code === 'FST_ERR_CTP_INVALID_JSON_BODY') {
    return errorBody('RC_INVALID_REQUEST', 400, 'the body is not valid JSON');
  }
  const status = typeof fastifyError.statusCode === 'number' ? fastifyError.statusCode : 500;
  if (status >= 400 && status < 500) return errorBody('RC_INVALID_REQUEST', status, 'the request cannot be served as sent');
  return errorBody('RC_INTERNAL_ERROR', 500, 'internal error; see the server log');
}

/** Installs the error and not-found handlers that give every failure the one shape. */
export function installErrorHandlers(app: FastifyInstance): void {
  app.setErrorHandler((error, request, reply) => {
    const body = toErrorBody(error);
    if (body.error.statusCode >= 500) request.log.error({ err: error }, 'request failed');
    else request.log.info({ code: body.error.code, statusCode: body.error.statusCode }, body.error.message);
    return sendError(reply, body);
  });
  app.setNotFoundHandler((request, reply) =>
    sendError(reply, errorBody('RC_NOT_FOUND', 404, `no route ${request.method} ${request.url.split('?')[0] ?? ''}; see GET /v1/connectors`)),
  );
}
