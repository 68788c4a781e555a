import { defineConnector } from '../../runtime/connector.js';
import type { GetMessageRequest, GetMessageResponse } from '../../schemas/generated/row-types.js';
import { type Columns, idString, json, numberOrNull, stringOrNull } from '../respond-io/columns.js';
import { clientFromEnvironment, objectBody, type RespondIoMessage } from '../respond-io/index.js';

/**
 * Respond.io - Get Message: one row (Identifier, MessageID) → GET /contact/{identifier}/message/{messageId} → one
 * Get Message Response 1.1.0 row. Failures are thrown; the runtime turns them into error rows per the error behavior.
 */
export const getMessage = defineConnector<GetMessageRequest, Columns<GetMessageResponse>>({
  id: 'get-message',
  open(environment) {
    const client = clientFromEnvironment(environment);
    return {
      async process(row, context) {
        const body = await client.call(environment.endpoint, { params: { identifier: row.Identifier, messageId: row.MessageID } }, context);
        return messageRow(objectBody<RespondIoMessage>(environment.endpoint, body));
      },
      stats: () => client.stats(),
      close: () => client.close(),
    };
  },
});

/**
 * respond.io's message body → the output columns. Numeric ids become strings where the column is a String; the
 * message object goes whole to MessageDetail whatever its type; a missing status (incoming messages) is null.
 */
export function messageRow(message: RespondIoMessage): GetMessageResponse {
  return {
    // In the schema's column order (MessageID before Message): people read NDJSON and diff it.
    StatusCode: 200,
    MessageID: idString(message.messageId),
    Message: null,
    ChannelMessageID: idString(message.channelMessageId),
    ContactID: numberOrNull(message.contactId),
    ChannelID: numberOrNull(message.channelId),
    Traffic: stringOrNull(message.traffic),
    MessageDetail: json(message.message),
    DeliveryStatuses: json(message.status),
  };
}
