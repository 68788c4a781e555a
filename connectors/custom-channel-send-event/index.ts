import { defineConnector, type RunEnvironment } from '../../runtime/connector.js';
import { RowError } from '../../runtime/errors.js';
import type { CustomChannelConnection, CustomChannelSendEventRequest, CustomChannelSendEventResponse } from '../../schemas/generated/row-types.js';
import { formatIssues } from '../../runtime/schema-issues.js';
import type { Columns } from '../respond-io/columns.js';
import { connectorClientOptions } from '../respond-io/client-options.js';
import { WebhookClient, WebhookPayloadError } from '../respond-io/webhook-client.js';
import { columnName, rowToEvents } from './row-to-event.js';

/**
 * Respond.io - Custom Channel Send Event: one row → one message, message echo or receipt posted to respond.io's
 * Custom Channel webhook → one Send Event Response row. Failures are thrown; the runtime makes the error rows.
 */
export const customChannelSendEvent = defineConnector<CustomChannelSendEventRequest, Columns<CustomChannelSendEventResponse>>({
  id: 'custom-channel-send-event',
  open(environment) {
    const client = clientFrom(environment);
    const wallClock = connectorClientOptions(environment).wallClock ?? Date.now;
    return {
      async process(row, context) {
        const input = rowToEvents(row, wallClock);
        try {
          await client.post(input, context);
        } catch (error) {
          // Say the rule in the row's words: "Message.text must be at most 7,000 characters", not events[0].message.
          if (error instanceof WebhookPayloadError) throw new RowError('RC_INVALID_INPUT_ROW', 400, formatIssues(error.issues, columnName));
          throw error;
        }
        return { StatusCode: 200, Message: null, MessageID: row.MessageID };
      },
      stats: () => client.stats(),
      close: () => client.close(),
    };
  },
});

function clientFrom(environment: RunEnvironment): WebhookClient {
  const connection = environment.connection as unknown as CustomChannelConnection;
  return new WebhookClient({
    // Checked by the client against 'Respond.io - Client Options'; the Connection's fields win over an option.
    ...connectorClientOptions(environment),
    channelId: connection['Channel ID'],
    apiToken: connection['API Token'],
    idType: connection['ID type'],
    webhookUrl: connection['Webhook URL'],
    allowInsecureUrl: connection['Allow insecure URL'],
    idempotent: environment.endpoint.idempotent,
    logger: environment.logger,
    registry: environment.registry,
  });
}
