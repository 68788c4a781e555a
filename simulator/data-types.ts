/** The bodies the simulator stores and answers, shaped exactly like ../shared/spec/respondio-api.md. */

export interface SimUser {
  id: number;
  firstName: string;
  lastName: string;
  email: string;
}

/**
 * A user of the workspace as GET /space/user lists it: the assignee's keys plus role, team and restrictions.
 * `team` may be null and `restrictions` absent (respond.io's MCP example omits it).
 */
export interface SimSpaceUser extends SimUser {
  role: 'agent' | 'manager' | 'owner';
  team: { id: number; name: string } | null;
  restrictions?: string[];
}

/** One channel a contact is reachable on, as GET /contact/{identifier}/channels lists it. */
export interface SimContactChannel {
  id: number;
  name: string;
  source: string;
  lastMessageTime: number;
  lastIncomingMessageTime: number | null;
  created_at: number;
}

export interface SimCustomField {
  name: string;
  value: string | number | boolean | null;
}

/**
 * A contact as GET /contact/{identifier} answers it. camelCase except `created_at` (Unix seconds) and
 * `custom_fields`. Optional keys are really absent on some contacts (not just null): the spec says both happen.
 */
export interface SimContact {
  id: number;
  firstName?: string | null;
  lastName?: string | null;
  phone?: string | null;
  email?: string | null;
  language?: string | null;
  profilePic?: string | null;
  countryCode?: string | null;
  status?: string | null;
  tags?: string[];
  assignee?: SimUser | null;
  lifecycle?: string | null;
  created_at: number;
  custom_fields?: SimCustomField[] | null;
  // Extra keys some sources show; connectors must ignore them.
  isBlocked?: boolean;
  locale?: string | null;
}

export interface SimDeliveryStatus {
  value: 'pending' | 'sent' | 'delivered' | 'read' | 'failed';
  timestamp: number;
  message?: string;
}

export interface SimMessageBody {
  type: string;
  [key: string]: unknown;
}

/** A message as GET /contact/{identifier}/message/{messageId} answers it. Incoming ones have no `status`. */
export interface SimMessage {
  messageId: number;
  channelMessageId: string | number;
  contactId: number;
  channelId: number;
  traffic: 'incoming' | 'outgoing';
  message: SimMessageBody;
  status?: SimDeliveryStatus[];
  sender?: { source: string; userId?: number };
}
