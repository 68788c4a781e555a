/**
 * respond.io bodies as respond.io's SDK and docs show them (../shared/spec/respondio-api.md). Every key is optional
 * and may be null: the connectors tolerate every variant; extra keys pass through untouched.
 */
export interface RespondIoContact {
  id?: number | null;
  firstName?: string | null;
  lastName?: string | null;
  phone?: string | null;
  email?: string | null;
  language?: string | null;
  profilePic?: string | null;
  countryCode?: string | null;
  status?: string | null;
  tags?: unknown[] | null;
  assignee?: Record<string, unknown> | null;
  lifecycle?: string | null;
  /** Unix seconds. */
  created_at?: number | null;
  custom_fields?: { name: string; value: unknown }[] | null;
  [key: string]: unknown;
}

export interface RespondIoMessage {
  messageId?: number | string | null;
  channelMessageId?: number | string | null;
  contactId?: number | null;
  channelId?: number | null;
  traffic?: 'incoming' | 'outgoing' | string | null;
  /** Open-ended by `type`: text, attachment, quick_reply, whatsapp_template, … */
  message?: Record<string, unknown> | null;
  /** Delivery history; missing on incoming messages. */
  status?: { value: string; timestamp?: number; message?: string }[] | null;
  sender?: Record<string, unknown> | null;
  [key: string]: unknown;
}
