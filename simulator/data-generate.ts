import type { Random } from './prng.js';
import type { SimContact, SimCustomField, SimDeliveryStatus, SimMessage, SimMessageBody, SimSpaceUser, SimUser } from './data-types.js';

/**
 * Builds the seeded contacts and messages. The first contacts are "showcase" contacts, each pinned to one variant
 * of the spec page (full, unassigned without tags, closed with extra keys, minimal…), so demos and tests can name
 * them by index; the rest are drawn at random over the same variants.
 */

const FIRST_NAMES = ['John', 'Jane', 'Aisyah', 'Wei', 'Siti', 'Arjun', 'Maria', 'Nguyen', 'Kenji', 'Fatimah', 'Liam', 'Olivia', 'Hassan', 'Mei', 'Carlos', 'Priya', 'Tan', 'Zara', 'Omar', 'Chloe'];
const LAST_NAMES = ['Doe', 'Smith', 'Tan', 'Lim', 'Wong', 'Rahman', 'Kumar', 'Garcia', 'Tanaka', 'Ibrahim', 'Lee', 'Chen', 'Santos', 'Nair', 'Ong', 'Abdullah'];
const COUNTRIES = [
  { code: 'MY', dial: '+60', language: 'ms', locale: 'ms_MY' },
  { code: 'SG', dial: '+65', language: 'en', locale: 'en_SG' },
  { code: 'ID', dial: '+62', language: 'id', locale: 'id_ID' },
  { code: 'PH', dial: '+63', language: 'en', locale: 'en_PH' },
  { code: 'TH', dial: '+66', language: 'th', locale: 'th_TH' },
  { code: 'VN', dial: '+84', language: 'vi', locale: 'vi_VN' },
] as const;
const TAGS = ['vip', 'premium', 'new', 'returning', 'wholesale', 'newsletter', 'complaint', 'lead', 'b2b', 'churn-risk', 'beta'];
const LIFECYCLES = ['New Lead', 'Hot Lead', 'Payment', 'Customer', 'Cold Lead'];
const STATUSES = ['open', 'open', 'close', 'closed'] as const;
/**
 * The workspace's users (GET /space/user), ids ascending. Fixed, not drawn: adding them must not shift the seeded
 * contacts and messages. The first four are the assignees of contacts and senders of messages.
 */
const TEAMS = [{ id: 11, name: 'Customer Support' }, { id: 12, name: 'Sales' }, { id: 13, name: 'Billing' }] as const;
const RESTRICTIONS = ['restrict_data_export', 'restrict_contact_deletion', 'restrict_space_setting', 'show_team_contacts', 'show_only_mine', 'restrict_space_integration', 'restrict_shortcuts'] as const;
const USER_NAMES = [
  ['Jane', 'Smith'], ['Ahmad', 'Zaki'], ['Lina', 'Ho'], ['Raj', 'Patel'], ['Nur', 'Aziz'], ['Tom', 'Baker'], ['Ivy', 'Chua'], ['Omar', 'Haddad'],
  ['Mina', 'Park'], ['Ken', 'Sato'], ['Lea', 'Roux'], ['Ali', 'Khan'], ['Eva', 'Novak'], ['Sam', 'Ortiz'], ['Zoe', 'Lim'], ['Max', 'Weber'],
  ['Ana', 'Silva'], ['Ben', 'Okafor'], ['Joy', 'Reyes'], ['Dev', 'Shah'], ['Kai', 'Wong'], ['Ria', 'Das'], ['Leo', 'Costa'], ['Uma', 'Iyer'], ['Yan', 'Zhou'],
] as const;
export const SPACE_USERS: readonly SimSpaceUser[] = USER_NAMES.map(([firstName, lastName], index) => {
  const user: SimSpaceUser = {
    id: 456 + index,
    firstName,
    lastName,
    email: index < 4 ? `${firstName.toLowerCase()}@example.com` : `${firstName}.${lastName}@example.com`.toLowerCase(),
    role: index === 0 ? 'owner' : index % 5 === 1 ? 'manager' : 'agent',
    team: index % 4 === 3 ? null : (TEAMS[index % TEAMS.length] as SimSpaceUser['team']),
  };
  // Every third user has no restrictions key; the others carry 0 to 2 of them.
  if (index % 3 !== 2) user.restrictions = RESTRICTIONS.slice(index % RESTRICTIONS.length, (index % RESTRICTIONS.length) + (index % 3));
  return user;
});
const USERS: readonly SimUser[] = SPACE_USERS.slice(0, 4).map(({ id, firstName, lastName, email }) => ({ id, firstName, lastName, email }));
export const CHANNEL_NAMES: Readonly<Record<number, { name: string; source: string }>> = {
  5678: { name: 'WhatsApp Business', source: 'whatsapp' },
  5679: { name: 'Facebook Messenger', source: 'facebook' },
  7001: { name: 'Telegram Bot', source: 'telegram' },
  8123: { name: 'Website Chat', source: 'custom_channel' },
};
export const CHANNEL_IDS = [5678, 5679, 7001, 8123] as const;
const MESSAGE_TYPES = ['text', 'attachment', 'quick_reply', 'location', 'custom_payload', 'email', 'whatsapp_template', 'story_reply', 'sticker'] as const;
const SOURCES = ['user', 'api', 'workflow', 'broadcast', 'ai_agent'] as const;

// Contacts were created between 2020-01-01 and 2025-01-01 (Unix seconds), in id order.
const FIRST_CREATED_AT = 1_577_836_800;
const CREATED_SPAN = 157_766_400;
export const FIRST_CONTACT_ID = 1001;
export const FIRST_MESSAGE_ID = 1_262_965_213;

export interface GeneratedData {
  contacts: SimContact[];
  messages: SimMessage[];
}

export function generateData(random: Random, contactCount: number, messagesPerContact: number): GeneratedData {
  const contacts: SimContact[] = [];
  const messages: SimMessage[] = [];
  let id = FIRST_CONTACT_ID;
  let messageId = FIRST_MESSAGE_ID;
  for (let index = 0; index < contactCount; index += 1) {
    const createdAt = FIRST_CREATED_AT + Math.floor((index / Math.max(1, contactCount)) * CREATED_SPAN) + random.int(0, 3600);
    const contact = showcaseContact(index, id, createdAt) ?? randomContact(random, index, id, createdAt);
    contacts.push(contact);
    // Showcase contacts 0 and 1 carry one message of every type, so every type exists at a known place.
    const types = index < 2 ? MESSAGE_TYPES : undefined;
    const count = types ? types.length : random.int(Math.max(0, messagesPerContact - 1), messagesPerContact + 1);
    let at = createdAt + random.int(60, 86_400);
    for (let n = 0; n < count; n += 1) {
      messageId += random.int(1, 997);
      at += random.int(5, 7200);
      const traffic = types ? (n % 2 === 0 ? 'incoming' : 'outgoing') : random.chance(0.5) ? 'incoming' : 'outgoing';
      const type = types ? (types[n] as string) : random.pick(MESSAGE_TYPES);
      // Showcase contacts alternate the channelMessageId form; others draw it.
      const numericChannelId = types ? n % 3 === 1 : random.chance(0.3);
      messages.push(randomMessage(random, { messageId, contactId: id, traffic, type, at, numericChannelId }));
    }
    id += random.int(1, 3);
  }
  return { contacts, messages };
}

function phoneOf(dial: string, index: number): string {
  // Unique per index: 8 digits after a 2-digit country code.
  return `${dial}${10_000_000 + index * 13}`;
}

function emailOf(first: string, last: string, id: number): string {
  return `${first}.${last}.${id}@example.com`.toLowerCase();
}

function showcaseContact(index: number, id: number, createdAt: number): SimContact | undefined {
  const my = COUNTRIES[0];
  switch (index) {
    case 0: // every key filled, the spec page's example
      return {
        id, firstName: 'John', lastName: 'Doe', phone: phoneOf(my.dial, index), email: emailOf('John', 'Doe', id), language: 'en',
        profilePic: `https://cdn.example.com/avatars/${id}.jpg`, countryCode: 'MY', status: 'open', tags: ['vip', 'premium'],
        assignee: USERS[0] as SimUser, lifecycle: 'Hot Lead', created_at: createdAt,
        custom_fields: [{ name: 'order_id', value: 'A-17' }, { name: 'loyalty_points', value: 1200 }],
      };
    case 1: // unassigned, no tags key, custom_fields null, status 'closed'
      return {
        id, firstName: 'Jane', lastName: 'Tan', phone: phoneOf('+65', index), email: emailOf('Jane', 'Tan', id), language: 'en',
        profilePic: null, countryCode: 'SG', status: 'closed', assignee: null, lifecycle: null, created_at: createdAt, custom_fields: null,
      };
    case 2: // status 'close', empty arrays, extra keys, no lastName key
      return {
        id, firstName: 'Aisyah', phone: phoneOf(my.dial, index), email: emailOf('Aisyah', 'x', id), language: 'ms', countryCode: 'MY',
        status: 'close', tags: [], assignee: USERS[1] as SimUser, created_at: createdAt, custom_fields: [], isBlocked: false, locale: 'ms_MY',
      };
    case 3: // minimal: phone only
      return { id, firstName: 'Wei', phone: phoneOf('+62', index), created_at: createdAt };
    case 4: // email only, nulls everywhere
      return {
        id, firstName: 'Maria', lastName: null, phone: null, email: emailOf('Maria', 'Garcia', id), language: null, profilePic: null,
        countryCode: null, status: 'open', tags: ['newsletter'], assignee: null, lifecycle: 'Customer', created_at: createdAt,
        custom_fields: [{ name: 'note', value: null }], isBlocked: true, locale: null,
      };
    default:
      return undefined;
  }
}

function randomContact(random: Random, index: number, id: number, createdAt: number): SimContact {
  const country = random.pick(COUNTRIES);
  const first = random.pick(FIRST_NAMES);
  const last = random.pick(LAST_NAMES);
  const contact: SimContact = { id, firstName: first, created_at: createdAt };
  // Each optional key is present with a value, present as null, or absent: the three forms the spec allows.
  const optional = <K extends keyof SimContact>(key: K, value: SimContact[K], present = 0.85, nullWhenPresent = 0.1): void => {
    if (!random.chance(present)) return;
    contact[key] = random.chance(nullWhenPresent) ? (null as SimContact[K]) : value;
  };
  optional('lastName', last, 0.9);
  optional('phone', phoneOf(country.dial, index), 0.85, 0.05);
  optional('email', emailOf(first, last, id), 0.8, 0.05);
  optional('language', country.language, 0.8);
  optional('profilePic', `https://cdn.example.com/avatars/${id}.jpg`, 0.7, 0.3);
  optional('countryCode', country.code, 0.85);
  optional('status', random.pick(STATUSES), 0.97, 0.02);
  if (random.chance(0.8)) contact.tags = pickSome(random, TAGS, random.int(0, 3));
  if (random.chance(0.95)) contact.assignee = random.chance(0.4) ? null : random.pick(USERS);
  optional('lifecycle', random.pick(LIFECYCLES), 0.6, 0.2);
  if (random.chance(0.95)) contact.custom_fields = random.chance(0.2) ? null : customFields(random, id);
  if (random.chance(0.3)) contact.isBlocked = random.chance(0.1);
  if (random.chance(0.3)) contact.locale = random.chance(0.2) ? null : country.locale;
  return inSpecOrder(contact);
}

const KEY_ORDER: readonly (keyof SimContact)[] = [
  'id', 'firstName', 'lastName', 'phone', 'email', 'language', 'profilePic', 'countryCode', 'status', 'tags', 'assignee', 'lifecycle',
  'created_at', 'custom_fields', 'isBlocked', 'locale',
];

/** Same keys, in the spec page's order, so bodies read like respond.io's. */
function inSpecOrder(contact: SimContact): SimContact {
  const ordered: Record<string, unknown> = {};
  for (const key of KEY_ORDER) if (key in contact) ordered[key] = contact[key];
  return ordered as unknown as SimContact;
}

function customFields(random: Random, id: number): SimCustomField[] {
  const fields: SimCustomField[] = [];
  if (random.chance(0.6)) fields.push({ name: 'order_id', value: `A-${id % 997}` });
  if (random.chance(0.4)) fields.push({ name: 'loyalty_points', value: random.int(0, 5000) });
  if (random.chance(0.3)) fields.push({ name: 'is_allowed_ai', value: random.chance(0.5) ? 'true' : 'false' });
  if (random.chance(0.1)) fields.push({ name: 'referral', value: null });
  return fields;
}

function pickSome<T>(random: Random, items: readonly T[], count: number): T[] {
  const chosen = new Set<T>();
  while (chosen.size < Math.min(count, items.length)) chosen.add(random.pick(items));
  return [...chosen];
}

interface MessagePlan {
  messageId: number;
  contactId: number;
  traffic: 'incoming' | 'outgoing';
  type: string;
  at: number;
  numericChannelId: boolean;
}

function randomMessage(random: Random, plan: MessagePlan): SimMessage {
  const message: SimMessage = {
    messageId: plan.messageId,
    channelMessageId: plan.numericChannelId ? random.int(100_000_000, 999_999_999) : channelMessageIdText(random, plan.messageId),
    contactId: plan.contactId,
    channelId: random.pick(CHANNEL_IDS),
    traffic: plan.traffic,
    message: messageBody(random, plan.type),
  };
  if (plan.traffic === 'outgoing') {
    message.status = deliveryHistory(random, plan.at);
    const source = random.pick(SOURCES);
    message.sender = source === 'user' ? { source, userId: random.pick(USERS).id } : { source };
  }
  return message;
}

function channelMessageIdText(random: Random, messageId: number): string {
  switch (random.int(0, 2)) {
    case 0: return `wamid.HBgM${messageId.toString(16).toUpperCase()}${random.int(1000, 9999)}`;
    case 1: return `m_${messageId.toString(36)}${random.int(100, 999)}`;
    default: return String(random.int(100, 99_999));
  }
}

function deliveryHistory(random: Random, at: number): SimDeliveryStatus[] {
  const history: SimDeliveryStatus[] = [{ value: 'pending', timestamp: at }, { value: 'sent', timestamp: at + 1 }];
  if (random.chance(0.08)) {
    history.push({ value: 'failed', timestamp: at + 2, message: 'Message undeliverable: the recipient is not reachable on this channel' });
    return history;
  }
  if (random.chance(0.85)) history.push({ value: 'delivered', timestamp: at + random.int(1, 30) });
  if (history.length === 3 && random.chance(0.6)) history.push({ value: 'read', timestamp: at + random.int(31, 3600) });
  return history;
}

function messageBody(random: Random, type: string): SimMessageBody {
  switch (type) {
    case 'text':
      return { type, text: random.pick(['Hello!', 'Is my order shipped?', 'Thanks, see you tomorrow.', 'Can I change the delivery address?']) };
    case 'attachment': {
      const kind = random.pick(['image', 'video', 'audio', 'file'] as const);
      const file = { image: 'photo.jpg', video: 'clip.mp4', audio: 'voice.ogg', file: 'invoice.pdf' }[kind];
      return { type, attachment: { type: kind, url: `https://cdn.example.com/files/${random.int(1, 1_000_000)}/${file}`, fileName: file } };
    }
    case 'quick_reply':
      return { type, title: 'Did this answer your question?', replies: ['Yes', 'No', 'Talk to an agent'] };
    case 'location':
      return { type, latitude: Math.round(31_390 + random.int(-5000, 5000)) / 10_000, longitude: Math.round(1_016_869 + random.int(-5000, 5000)) / 10_000, address: 'Kuala Lumpur' };
    case 'custom_payload':
      return { type, payload: { kind: 'order_update', orderId: `A-${random.int(1, 9999)}`, items: random.int(1, 5) } };
    case 'email':
      return { type, subject: 'Your invoice', text: 'Please find your invoice attached.', html: '<p>Please find your invoice attached.</p>' };
    case 'whatsapp_template':
      return {
        type,
        template: {
          name: 'order_confirmation',
          languageCode: 'en',
          components: [{ type: 'body', text: 'Your order {{1}} is confirmed.', parameters: [{ type: 'text', text: `A-${random.int(1, 9999)}` }] }],
        },
      };
    case 'story_reply':
      return { type, text: 'Love this!', story: { url: `https://instagram.example.com/stories/${random.int(1, 1_000_000)}` } };
    default: // 'sticker' and anything new: an open-ended type connectors must pass through
      return { type, url: `https://cdn.example.com/stickers/${random.int(1, 500)}.webp` };
  }
}
