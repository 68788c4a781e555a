/**
 * Every error the plugin reports carries one of these stable codes. Engines branch on the code, never on the text.
 * `kind` says what the runtime does with it: `configuration` stops the run before (or at) the first row in every
 * setting; `row` fails one row, which the error behavior then handles. test/error-codes.test.ts fails when a code
 * is missing from the README.
 */
export const errorCodes = {
  RC_INVALID_MANIFEST: { kind: 'configuration', description: 'manifest.json does not match schemas/manifest.schema.json' },
  RC_SCHEMA_NOT_FOUND: { kind: 'configuration', description: 'a schema named by the manifest is not in schemas/' },
  RC_UNKNOWN_CONNECTOR: { kind: 'configuration', description: 'no connector has that id or name' },
  RC_INVALID_CONNECTION: { kind: 'configuration', description: 'the Connection block is missing or invalid (no token, bad base URL)' },
  RC_INVALID_SETTINGS: { kind: 'configuration', description: 'a setting has a value outside its allowed values' },
  RC_INVALID_OPTION: { kind: 'configuration', description: 'a run option (concurrency, format, …) is out of range' },
  RC_MULTI_INPUT_UNSUPPORTED: { kind: 'configuration', description: 'the connector is not a multi-input step, but several inputs were given' },
  RC_RATE_BUDGET_UNAVAILABLE: { kind: 'configuration', description: 'the Redis of the shared rate budget cannot be reached at start, or stayed unreachable past the outage limit (no request is sent without it)' },
  RC_CHECKPOINT_MISMATCH: { kind: 'configuration', description: 'checkpointed run: the journal is of another run (input, connector, settings or output differ), cannot be read, or the output was changed since; the message says what differs' },
  RC_TOKEN_REJECTED: { kind: 'configuration', description: 'respond.io answered 401: the token is not valid, so no further row is requested' },
  RC_INVALID_INPUT_ROW: { kind: 'row', description: 'the input row does not match the input schema (400, no request made)' },
  RC_MALFORMED_INPUT_LINE: { kind: 'row', description: 'a line of the input file could not be parsed (400, names the line)' },
  RC_INVALID_IDENTIFIER: { kind: 'row', description: 'the Identifier is not id:, email: or phone: with a valid value (400, no request made)' },
  RC_UPSTREAM_HTTP_ERROR: { kind: 'row', description: 'respond.io answered a non-2xx status (after the retries allowed)' },
  RC_UPSTREAM_NO_RESPONSE: { kind: 'row', description: 'no HTTP response came: timeout, connection reset, DNS (500)' },
  RC_UPSTREAM_BAD_BODY: { kind: 'row', description: 'respond.io answered 2xx with a body that is not the JSON expected (500)' },
  RC_RETRY_BUDGET_EXHAUSTED: { kind: 'row', description: 'the next retry would wait past the configured cap (last status kept)' },
  RC_INVALID_OUTPUT_ROW: { kind: 'row', description: 'the connector produced a row that does not match the output schema (500)' },
  RC_CONNECTOR_CRASHED: { kind: 'row', description: 'the connector threw something that is not a typed error (500)' },
  RC_ABORTED: { kind: 'row', description: 'the run was cancelled while the row was in flight' },
  RC_OUTCOME_UNKNOWN: { kind: 'row', description: 'resumed run: the row of a non-idempotent connector may have been sent before the crash and its outcome is unknown, so it is not sent again (500)' },
  // HTTP host (hosts/http/): the request is refused before any run starts, so no row is read — hence `configuration`.
  RC_UNAUTHORIZED: { kind: 'configuration', description: 'HTTP host: no or wrong Bearer API key (401)' },
  RC_INVALID_REQUEST: { kind: 'configuration', description: 'HTTP host: the body, query or headers do not match the route schema, or the body is not valid JSON (400; 415 for an unsupported Content-Type)' },
  RC_BODY_TOO_LARGE: { kind: 'configuration', description: 'HTTP host: the request body is over the configured limit (413)' },
  RC_NOT_FOUND: { kind: 'configuration', description: 'HTTP host: no such route (404)' },
  RC_RUN_NOT_FOUND: { kind: 'configuration', description: 'HTTP host: no run with that id, or it was finished long enough ago to be forgotten (404)' },
  RC_UPSTREAM_NOT_ALLOWED: { kind: 'configuration', description: 'HTTP host: the Connection names a Base URL or Webhook URL outside the upstreams the host was started with (400)' },
  RC_TOO_MANY_RUNS: { kind: 'configuration', description: 'HTTP host: the limit of runs in flight is reached (429)' },
  RC_SHUTTING_DOWN: { kind: 'configuration', description: 'HTTP host: the server is shutting down and starts no new run (503)' },
  RC_CONNECTION_UNREADABLE: { kind: 'configuration', description: 'HTTP host, durable mode: the run\'s stored Connection cannot be decrypted (sealed with another RESPONDIO_CONNECTORS_ENCRYPTION_KEY, or altered); the run fails, no row is sent' },
  RC_RUN_STORE_UNAVAILABLE: { kind: 'configuration', description: 'HTTP host, durable mode: the Redis of durable runs does not answer (503 on /readyz)' },
  RC_INTERNAL_ERROR: { kind: 'configuration', description: 'HTTP host: an unexpected error; the details are in the server log only (500)' },
} as const satisfies Record<string, { kind: 'configuration' | 'row'; description: string }>;

export type ErrorCode = keyof typeof errorCodes;
