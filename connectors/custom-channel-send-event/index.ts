import type { Clock } from '../../runtime/clock.js';
import { defineConnector, type RunEnvironment } from '../../runtime/connector.js';
import { ConfigurationError, RowError } from '../../runtime/errors.js';
import type { CustomChannelConnection, CustomChannelSendEventRequest, CustomChannelSendEventResponse } from '../../schemas/generated/row-types.js';
import { formatIssues } from '../../runtime/schema-issues.js';
import type { Columns } from '../respond-io/columns.js';
import type { RetryPolicy } from '../respond-io/retry-policy.js';
import { WebhookClient, WebhookPayloadError } from '../respond-io/webhook-client.js';
import { columnName, rowToEvents } from './row-to-event.js';

/** connectorOptions understood here: the respond.io family's, so one host configuration fits every connector. */
const KNOWN_OPTIONS = ['timeoutMs', 'retryPolicy', 'clock', 'random', 'wallClock'] as const;

/**
 * Respond.io - Custom Channel Send Event: one row → one message, message echo or receipt posted to respond.io's
 * Custom Channel webhook → one Send Event Response row. Failures are thrown; the runtime makes the error rows.
 */
export const customChannelSendEvent = defineConnector<CustomChannelSendEventRequest, Columns<CustomChannelSendEventResponse>>({
  id: 'custom-channel-send-event',
  open(environment) {
    const client = clientFrom(environment);
    const wallClock = (environment.connectorOptions.wallClock as (() => number) | undefined) ?? Date.now;
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
  const options = environment.connectorOptions;
  for (const key of Object.keys(options)) {
    if (!(KNOWN_OPTIONS as readonly string[]).includes(key)) {
      throw new ConfigurationError('RC_INVALID_OPTION', `connector option ${JSON.stringify(key)} is not one of the custom channel client's (${KNOWN_OPTIONS.join(', ')})`);
    }
  }
  return new WebhookClient({
    channelId: connection['Channel ID'],
    apiToken: connection['API Token'],
    idType: connection['ID type'],
    ...(connection['Webhook URL'] !== undefined ? { webhookUrl: connection['Webhook URL'] } : {}),
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs as number } : {}),
    ...(options.retryPolicy !== undefined ? { retryPolicy: options.retryPolicy as Partial<RetryPolicy> } : {}),
    ...(options.clock !== undefined ? { clock: options.clock as Clock } : {}),
    ...(options.random !== undefined ? { random: options.random as () => number } : {}),
    ...(options.wallClock !== undefined ? { wallClock: options.wallClock as () => number } : {}),
    idempotent: environment.endpoint.idempotent,
    logger: environment.logger,
    registry: environment.registry,
  });
}
