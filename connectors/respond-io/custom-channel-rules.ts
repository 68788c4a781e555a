import type { ValidateFunction } from 'ajv/dist/2020.js';
import type { TokenCheck } from '../../runtime/bearer-token.js';
import type { SchemaRegistry } from '../../runtime/schema-registry.js';
import type { CustomChannelOutgoingMessage, CustomChannelWebhookPayload } from '../../schemas/generated/row-types.js';
import { schemaIssues, type PlainIssue } from '../../runtime/schema-issues.js';

/** The channel's ID type, as the respond.io channel dialog names it. */
export const idTypes = ['Phone Number', 'Custom ID'] as const;
export type IdType = (typeof idTypes)[number];

export const schemaRefs = {
  outgoingMessage: { name: 'Respond.io - Custom Channel Outgoing Message', version: '1.0.0' },
  webhookPayload: { name: 'Respond.io - Custom Channel Webhook Payload', version: '1.0.0' },
  contactId: { name: 'Respond.io - Custom Channel Contact ID', version: '1.0.0' },
  outboxRow: { name: 'Respond.io - Custom Channel Outbox Row', version: '1.0.0' },
} as const;

const contactIdDefs: Record<IdType, string> = { 'Phone Number': 'phoneNumber', 'Custom ID': 'customId' };

export interface ChannelIdentity {
  channelId: string;
  idType: IdType;
}

export type Checked<T> = { ok: true; value: T } | { ok: false; issues: PlainIssue[] };

/**
 * Seed 002's rules, both directions, from the JSON Schemas of schemas/: respond.io → us (`/message`) and us →
 * respond.io (webhook). The two rules a schema cannot know — the configured channel and its ID type — are added here.
 */
export class CustomChannelValidator {
  private readonly outgoing: ValidateFunction;
  private readonly webhook: ValidateFunction;
  private readonly contactIds: Record<IdType, ValidateFunction>;

  /** `registry`: the plugin's (one Ajv per loaded plugin), or a server's own. */
  constructor(readonly registry: SchemaRegistry) {
    this.outgoing = registry.get(schemaRefs.outgoingMessage.name, schemaRefs.outgoingMessage.version).validate;
    this.webhook = registry.get(schemaRefs.webhookPayload.name, schemaRefs.webhookPayload.version).validate;
    const contactSchema = registry.get(schemaRefs.contactId.name, schemaRefs.contactId.version).schema;
    const contactId = (idType: IdType): ValidateFunction => {
      const validate = registry.ajv.getSchema(`${contactSchema.$id}#/$defs/${contactIdDefs[idType]}`);
      if (!validate) throw new Error(`schema ${contactSchema.title} has no $defs/${contactIdDefs[idType]}`);
      return validate;
    };
    this.contactIds = { 'Phone Number': contactId('Phone Number'), 'Custom ID': contactId('Custom ID') };
  }

  /** A body respond.io POSTed to `/message`, for this channel. */
  outgoingMessage(body: unknown, channel: ChannelIdentity): Checked<CustomChannelOutgoingMessage> {
    const valid = this.outgoing(body);
    const issues = [...(valid ? [] : plain(this.outgoing.errors)), ...this.channelIssues(body, channel)];
    return issues.length > 0 ? { ok: false, issues: dedupe(issues) } : { ok: true, value: body as CustomChannelOutgoingMessage };
  }

  /** A payload for respond.io's webhook, for this channel. */
  webhookPayload(body: unknown, channel: ChannelIdentity): Checked<CustomChannelWebhookPayload> {
    const valid = this.webhook(body);
    const issues = [...(valid ? [] : plain(this.webhook.errors)), ...this.channelIssues(body, channel)];
    return issues.length > 0 ? { ok: false, issues: dedupe(issues) } : { ok: true, value: body as CustomChannelWebhookPayload };
  }

  /** Checked even when the schema failed, so one answer lists every problem; fields of the wrong type are left to the schema. */
  private channelIssues(body: unknown, channel: ChannelIdentity): PlainIssue[] {
    const issues: PlainIssue[] = [];
    if (body === null || typeof body !== 'object') return issues;
    const { channelId, contactId: id } = body as Record<string, unknown>;
    // The configured channel id is not a secret (respond.io shows it next to the token), so naming it helps.
    if (typeof channelId === 'string' && channelId !== channel.channelId) {
      issues.push({ path: ['channelId'], problem: `must be this channel's ID ${JSON.stringify(channel.channelId)} (got ${JSON.stringify(channelId)})` });
    }
    const contactId = this.contactIds[channel.idType];
    if (typeof id === 'string' && id.length <= 50 && !contactId(id)) {
      issues.push(...plain(contactId.errors).map((issue) => ({ ...issue, path: ['contactId', ...issue.path] })));
    }
    return issues;
  }
}

/** The rules' issues as the Custom Channel reports them: where, and the problem in plain words. */
function plain(errors: Parameters<typeof schemaIssues>[0]): PlainIssue[] {
  return schemaIssues(errors).map(({ path, problem }) => ({ path, problem }));
}

function dedupe(issues: PlainIssue[]): PlainIssue[] {
  const seen = new Set<string>();
  return issues.filter((issue) => {
    const key = JSON.stringify(issue);
    return seen.has(key) ? false : (seen.add(key), true);
  });
}

/** What a Custom Channel 401 says (our /message server, the simulated webhook): which rule failed, never what was received or expected. */
export const tokenProblems: Record<Exclude<TokenCheck, 'ok'>, string> = {
  missing: 'missing Authorization header: send "Authorization: Bearer <API Token>"',
  malformed: 'malformed Authorization header: expected "Bearer <API Token>"',
  wrong: "the Bearer token is not this channel's API Token",
};
