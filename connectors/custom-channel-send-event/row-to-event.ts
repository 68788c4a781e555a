import { RowError } from '../../runtime/errors.js';
import type { CustomChannelSendEventRequest } from '../../schemas/generated/row-types.js';
import type { WebhookEventInput, WebhookEvents } from '../respond-io/webhook-client.js';

/**
 * One Send Event Request row → the webhook payload's parts. Shapes only: the rules of seed 002 are checked by the
 * webhook client against the payload schema, and its issues are renamed to columns by `columnName`.
 */
export function rowToEvents(row: CustomChannelSendEventRequest, now: () => number): WebhookEvents {
  const event: Record<string, unknown> = {
    type: row.EventType,
    mId: row.MessageID,
    timestamp: row.Timestamp ?? now(),
  };
  const message = jsonObject(row.Message, 'Message');
  if (message !== undefined) event.message = message;
  if (row.Status !== undefined && row.Status !== null) {
    event.status = row.StatusMessage === undefined || row.StatusMessage === null ? { value: row.Status } : { value: row.Status, message: row.StatusMessage };
  } else if (row.StatusMessage !== undefined && row.StatusMessage !== null) {
    throw new RowError('RC_INVALID_INPUT_ROW', 400, "column 'StatusMessage' needs a Status (it says why a failed message failed)");
  }
  const contact = jsonObject(row.Contact, 'Contact');
  return {
    contactId: row.ContactID,
    events: [event as WebhookEventInput],
    ...(contact !== undefined ? { contact: contact as NonNullable<WebhookEvents['contact']> } : {}),
  };
}

/** A JSON column may arrive parsed (an object) or as JSON text (CSV input): accept both, refuse anything else. */
function jsonObject(value: unknown, column: string): Record<string, unknown> | undefined {
  if (value === undefined || value === null) return undefined;
  let parsed = value;
  if (typeof value === 'string') {
    try {
      parsed = JSON.parse(value);
    } catch {
      throw new RowError('RC_INVALID_INPUT_ROW', 400, `column '${column}' must be a JSON object (got text that is not JSON)`);
    }
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new RowError('RC_INVALID_INPUT_ROW', 400, `column '${column}' must be a JSON object`);
  }
  return parsed as Record<string, unknown>;
}

/** A payload path → the column the row author wrote: events[0].message.text → Message.text. */
export function columnName(path: readonly (string | number)[]): string {
  const [first, index, field, ...rest] = path;
  const tail = (parts: readonly (string | number)[]): string => parts.map((part) => (typeof part === 'number' ? `[${part}]` : `.${part}`)).join('');
  if (first === 'contactId') return 'ContactID';
  if (first === 'contact') return `Contact${tail(path.slice(1))}`;
  if (first === 'events' && index === 0) {
    if (field === 'type') return 'EventType';
    if (field === 'mId') return 'MessageID';
    if (field === 'timestamp') return 'Timestamp';
    if (field === 'message') return `Message${tail(rest)}`;
    if (field === 'status') {
      if (rest[0] === 'value') return 'Status';
      if (rest[0] === 'message') return 'StatusMessage';
      return rest.length === 0 ? 'Status' : `Status${tail(rest)}`;
    }
  }
  return path.map(String).join('.');
}
