import type { FastifyRequest } from 'fastify';
import { completeConnection } from '../../runtime/connection-block.js';
import type { ConfigurationDescription } from '../../runtime/describe.js';

export const TOKEN_HEADER = 'x-respondio-token';
export const BASE_URL_HEADER = 'x-respondio-base-url';

function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  const text = Array.isArray(value) ? value[0] : value;
  return text === undefined || text === '' ? undefined : text;
}

/**
 * The Connection block of one run: the body's `connection`, with the `X-Respondio-Token` / `X-Respondio-Base-Url`
 * headers taking precedence, and the server's default base URL when none is given. It lives only as long as the run
 * (it is passed to `plugin.run` and never put in a run record, a log line or a response).
 *
 * Each connector's Connection schema says where these go: the token into the field it flags secret (`Token` for
 * respond.io's API, `API Token` for a Custom Channel), the default base URL only into a schema that has `Base URL`.
 * An explicit base URL header is passed as given, so a connector without the field answers 400 naming it.
 */
export function connectionOf(
  request: FastifyRequest,
  fromBody: Readonly<Record<string, unknown>> | undefined,
  defaultBaseUrl: string | undefined,
  described: ConfigurationDescription | undefined,
): Record<string, unknown> {
  return completeConnection(fromBody ?? {}, described, { secret: header(request, TOKEN_HEADER), baseUrl: header(request, BASE_URL_HEADER), defaultBaseUrl });
}
