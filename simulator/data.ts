import { CHANNEL_NAMES, generateData, SPACE_USERS } from './data-generate.js';
import type { SimContact, SimContactChannel, SimMessage, SimMessageBody, SimSpaceUser } from './data-types.js';
import type { ContactLookup } from './identifier.js';
import { createRandom } from './prng.js';

export type * from './data-types.js';

/** Fields POST /contact/create_or_update/{identifier} may set: a subset of the contact's own. */
export type ContactFields = Pick<SimContact, 'firstName' | 'lastName' | 'phone' | 'email' | 'language' | 'profilePic' | 'countryCode' | 'custom_fields'>;

export class DataConflict extends Error {}

/** respond.io keeps at most this many tags on a contact (Get Contact: "max. 10 items"). */
export const MAX_TAGS = 10;

/**
 * The simulator's store: seeded contacts and messages plus what requests add. Contacts are kept in ascending id
 * order; list endpoints walk them newest first. Treat the exposed arrays as read-only.
 */
export class SimulatorData {
  readonly seed: number;
  readonly #contacts: SimContact[];
  readonly #byId = new Map<number, SimContact>();
  readonly #byEmail = new Map<string, SimContact>();
  readonly #byPhone = new Map<string, SimContact>();
  readonly #messagesByContact = new Map<number, SimMessage[]>();
  readonly #messageById = new Map<number, SimMessage>();
  #lastMessageId = 0;

  constructor(options: { seed: number; contacts: number; messagesPerContact: number }) {
    this.seed = options.seed;
    const generated = generateData(createRandom(options.seed), options.contacts, options.messagesPerContact);
    this.#contacts = generated.contacts;
    for (const contact of this.#contacts) this.#index(contact);
    for (const message of generated.messages) this.#addMessage(message);
  }

  /** Every contact, ascending id. `data.contacts[0..4]` are the showcase variants (see data-generate.ts). */
  get contacts(): readonly SimContact[] {
    return this.#contacts;
  }

  contact(id: number): SimContact | undefined {
    return this.#byId.get(id);
  }

  find(lookup: ContactLookup): SimContact | undefined {
    if (lookup.type === 'id') return this.#byId.get(lookup.id);
    if (lookup.type === 'email') return this.#byEmail.get(lookup.email.toLowerCase());
    return this.#byPhone.get(lookup.phone);
  }

  /** A contact's messages, ascending messageId (oldest first). */
  messagesOf(contactId: number): readonly SimMessage[] {
    return this.#messagesByContact.get(contactId) ?? [];
  }

  message(messageId: number): SimMessage | undefined {
    return this.#messageById.get(messageId);
  }

  get messageCount(): number {
    return this.#messageById.size;
  }

  /** The identifiers that reach a contact: always `id:`, plus `email:` and `phone:` when it has them (raw form). */
  identifiersOf(contact: SimContact): string[] {
    const forms = [`id:${contact.id}`];
    if (typeof contact.email === 'string') forms.push(`email:${contact.email}`);
    if (typeof contact.phone === 'string') forms.push(`phone:${contact.phone}`);
    return forms;
  }

  /** Contacts matching a free-text search on name, email or phone (case-insensitive), newest first. */
  listContacts(search?: string): SimContact[] {
    const needle = search?.trim().toLowerCase() ?? '';
    const newestFirst = [...this.#contacts].reverse();
    if (needle === '') return newestFirst;
    return newestFirst.filter((c) =>
      [c.firstName, c.lastName, `${c.firstName ?? ''} ${c.lastName ?? ''}`, c.email, c.phone].some(
        (field) => typeof field === 'string' && field.toLowerCase().includes(needle),
      ),
    );
  }

  /**
   * Creates the contact the identifier names (email/phone) or updates it. An `id:` identifier can only update.
   * Throws DataConflict when the new email/phone belongs to another contact.
   */
  createOrUpdate(lookup: ContactLookup, fields: ContactFields, nowSeconds: number): { contact: SimContact; created: boolean } | undefined {
    const existing = this.find(lookup);
    if (!existing && lookup.type === 'id') return undefined;
    const contact: SimContact = existing ?? { id: this.#nextContactId(), created_at: nowSeconds };
    const next: ContactFields = { ...fields };
    if (lookup.type === 'email') next.email = lookup.email;
    if (lookup.type === 'phone') next.phone = lookup.phone;
    this.#checkFree(contact, next);
    this.#unindex(contact);
    Object.assign(contact, next);
    if (typeof contact.email === 'string') contact.email = contact.email.toLowerCase();
    if (!existing) this.#contacts.push(contact);
    this.#index(contact);
    return { contact, created: !existing };
  }

  /** The workspace's users, ascending id (GET /space/user lists them newest first). */
  get users(): readonly SimSpaceUser[] {
    return SPACE_USERS;
  }

  /**
   * POST /contact/{identifier}: creates the contact an email: or phone: identifier names. undefined when it exists
   * already. Throws DataConflict when the body's email/phone belongs to another contact.
   */
  create(lookup: Exclude<ContactLookup, { type: 'id' }>, fields: ContactFields, nowSeconds: number): SimContact | undefined {
    if (this.find(lookup)) return undefined;
    return this.createOrUpdate(lookup, fields, nowSeconds)?.contact;
  }

  /** PUT /contact/{identifier}: updates an existing contact. Throws DataConflict like createOrUpdate. */
  update(contact: SimContact, fields: ContactFields): void {
    this.#checkFree(contact, fields);
    this.#unindex(contact);
    Object.assign(contact, fields);
    if (typeof contact.email === 'string') contact.email = contact.email.toLowerCase();
    this.#index(contact);
  }

  /** DELETE /contact/{identifier}: the contact and its messages are gone. */
  remove(contact: SimContact): void {
    this.#unindex(contact);
    this.#byId.delete(contact.id);
    this.#contacts.splice(this.#contacts.indexOf(contact), 1);
    for (const message of this.#messagesByContact.get(contact.id) ?? []) this.#messageById.delete(message.messageId);
    this.#messagesByContact.delete(contact.id);
  }

  /** Adds tags (kept once each). Throws DataConflict when the contact would carry more than MAX_TAGS. */
  addTags(contact: SimContact, tags: readonly string[]): void {
    const next = [...new Set([...(contact.tags ?? []), ...tags])];
    if (next.length > MAX_TAGS) throw new DataConflict(`a contact carries at most ${MAX_TAGS} tags (would have ${next.length})`);
    contact.tags = next;
  }

  removeTags(contact: SimContact, tags: readonly string[]): void {
    contact.tags = (contact.tags ?? []).filter((tag) => !tags.includes(tag));
  }

  /** The channels a contact has messages on, newest channel id first (the order cursor paging needs). */
  channelsOf(contact: SimContact): SimContactChannel[] {
    const byChannel = new Map<number, SimContactChannel>();
    this.messagesOf(contact.id).forEach((message, index) => {
      // Messages carry no time of their own here: a channel's times are the contact's creation plus its order.
      const at = contact.created_at + (index + 1) * 60;
      const known = CHANNEL_NAMES[message.channelId] ?? { name: `Channel ${message.channelId}`, source: 'custom_channel' };
      const channel = byChannel.get(message.channelId) ?? { id: message.channelId, ...known, lastMessageTime: at, lastIncomingMessageTime: null, created_at: at };
      channel.lastMessageTime = at;
      if (message.traffic === 'incoming') channel.lastIncomingMessageTime = at;
      byChannel.set(message.channelId, channel);
    });
    return [...byChannel.values()].sort((a, b) => b.id - a.id);
  }

  /** Stores an outgoing message as sent through the API: status history starts at pending, then sent. */
  addOutgoingMessage(contactId: number, channelId: number, body: SimMessageBody, nowSeconds: number): SimMessage {
    const message: SimMessage = {
      messageId: this.#lastMessageId + 1,
      channelMessageId: `sim.${this.#lastMessageId + 1}`,
      contactId,
      channelId,
      traffic: 'outgoing',
      message: body,
      status: [{ value: 'pending', timestamp: nowSeconds }, { value: 'sent', timestamp: nowSeconds }],
      sender: { source: 'api' },
    };
    this.#addMessage(message);
    return message;
  }

  #nextContactId(): number {
    return (this.#contacts.at(-1)?.id ?? 1000) + 1;
  }

  #checkFree(contact: SimContact, next: ContactFields): void {
    const email = typeof next.email === 'string' ? this.#byEmail.get(next.email.toLowerCase()) : undefined;
    if (email && email !== contact) throw new DataConflict(`email ${next.email} already belongs to contact ${email.id}`);
    const phone = typeof next.phone === 'string' ? this.#byPhone.get(next.phone) : undefined;
    if (phone && phone !== contact) throw new DataConflict(`phone ${next.phone} already belongs to contact ${phone.id}`);
  }

  #index(contact: SimContact): void {
    this.#byId.set(contact.id, contact);
    if (typeof contact.email === 'string') this.#byEmail.set(contact.email.toLowerCase(), contact);
    if (typeof contact.phone === 'string') this.#byPhone.set(contact.phone, contact);
  }

  #unindex(contact: SimContact): void {
    if (typeof contact.email === 'string') this.#byEmail.delete(contact.email.toLowerCase());
    if (typeof contact.phone === 'string') this.#byPhone.delete(contact.phone);
  }

  #addMessage(message: SimMessage): void {
    let list = this.#messagesByContact.get(message.contactId);
    if (!list) this.#messagesByContact.set(message.contactId, (list = []));
    list.push(message);
    this.#messageById.set(message.messageId, message);
    this.#lastMessageId = Math.max(this.#lastMessageId, message.messageId);
  }
}
