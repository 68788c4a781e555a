import type { RunEnvironment } from '../../runtime/connector.js';
import type { Connection, RowSettings } from '../../schemas/generated/row-types.js';
import { createRespondIoClient, type RespondIoClient } from './client.js';
import { connectorClientOptions } from './client-options.js';

/**
 * One client per run, from the run's Connection (Token, Base URL), Settings ('Rate limits') and the host's
 * connectorOptions (checked by the client against 'Respond.io - Client Options'; the Connection's fields win over a
 * connector option of the same name). Throws ConfigurationError, so the run stops before its first row.
 */
export function clientFromEnvironment(environment: RunEnvironment): RespondIoClient {
  const connection = environment.connection as Partial<Connection>;
  const settings = environment.settings as RowSettings;
  return createRespondIoClient({
    ...connectorClientOptions(environment),
    token: connection.Token as string,
    baseUrl: connection['Base URL'],
    organization: connection.Organization,
    allowInsecureUrl: connection['Allow insecure URL'],
    rateLimits: settings['Rate limits'],
    logger: environment.logger,
    registry: environment.registry,
  });
}
