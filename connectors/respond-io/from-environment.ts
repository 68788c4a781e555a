import type { Clock } from '../../runtime/clock.js';
import type { RunEnvironment } from '../../runtime/connector.js';
import { ConfigurationError } from '../../runtime/errors.js';
import type { Connection, RowSettings } from '../../schemas/generated/row-types.js';
import { createRespondIoClient, type RespondIoClient } from './client.js';
import type { RetryPolicy } from './retry-policy.js';

/** connectorOptions the respond.io family understands; each is validated by the client factory. */
const KNOWN_OPTIONS = ['timeoutMs', 'retryPolicy', 'pacing', 'clock', 'random', 'wallClock'] as const;

/**
 * One client per run, from the run's Connection (Token, Base URL), Settings ('Rate limits') and the host's
 * connectorOptions. Throws ConfigurationError, so the run stops before its first row.
 */
export function clientFromEnvironment(environment: RunEnvironment): RespondIoClient {
  const connection = environment.connection as Partial<Connection>;
  const settings = environment.settings as RowSettings;
  const options = environment.connectorOptions;
  for (const key of Object.keys(options)) {
    if (!(KNOWN_OPTIONS as readonly string[]).includes(key)) {
      throw new ConfigurationError('RC_INVALID_OPTION', `connector option ${JSON.stringify(key)} is not one of the respond.io client's (${KNOWN_OPTIONS.join(', ')})`);
    }
  }
  return createRespondIoClient({
    token: connection.Token as string,
    baseUrl: connection['Base URL'],
    rateLimits: settings['Rate limits'],
    timeoutMs: options.timeoutMs as number | undefined,
    retryPolicy: options.retryPolicy as Partial<RetryPolicy> | undefined,
    pacing: options.pacing as boolean | undefined,
    clock: options.clock as Clock | undefined,
    random: options.random as (() => number) | undefined,
    wallClock: options.wallClock as (() => number) | undefined,
    logger: environment.logger,
  });
}
