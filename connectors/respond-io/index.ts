/** The respond.io API v2 client: the one module of the project that talks HTTP to respond.io. */
export { createRespondIoClient, objectBody, type CallContext, type CallRequest, type ListPage, type RespondIoClient, type RespondIoEndpoint, type RespondIoRequest } from './client.js';
export { clientFromEnvironment } from './from-environment.js';
export { documentedRateLimits, UNLISTED_ENDPOINT_RPS } from './endpoints.js';
export { parseIdentifier, parseMessageId, type ContactIdentifier } from './identifier.js';
export { DEFAULT_BASE_URL, DEFAULT_TIMEOUT_MS, type RespondIoClientOptions } from './options.js';
export { defaultRetryPolicy, decideRetry, type RetryPolicy } from './retry-policy.js';
export { OUTCOME_TABLE, type AttemptClass, type Outcome } from './outcome-table.js';
export { parseRetryAfter } from './retry-after.js';
export { calculateRetryDelay } from './calculate-retry-delay.js';
export type { RespondIoContact, RespondIoMessage } from './types.js';
