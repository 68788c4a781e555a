import type { UpstreamStats } from '../../runtime/connector.js';
import { ConfigurationError, RowError } from '../../runtime/errors.js';
import { silentLogger, type Logger } from '../../runtime/logger.js';
import { SchemaRegistry } from '../../runtime/schema-registry.js';
import type { ClientOptions, CustomChannelWebhookContact, CustomChannelWebhookEvent, CustomChannelWebhookMessageContent, CustomChannelWebhookPayload } from '../../schemas/generated/row-types.js';
import { formatIssues, type PlainIssue } from '../../runtime/schema-issues.js';
import { CustomChannelValidator, idTypes, type IdType } from './custom-channel-rules.js';
import { redactor } from '../../runtime/secrets.js';
import { AttemptLoop } from './attempt-loop.js';
import type { CallContext } from './client.js';
import { httpErrorMessage, statusLine } from './error-mapping.js';
import { createTransport } from './http.js';
import { organizationKey } from './pacer.js';
import { resolveFamilyOptions, type ClientHooks } from './client-options.js';
import { checkUrlSecurity } from './url-policy.js';
import { webhookEventKey, WebhookLedger } from './webhook-ledger.js';

export const DEFAULT_WEBHOOK_URL = 'https://app.respond.io/custom/channel/webhook/';

/** The channel's Connection, the family's options (schemas/respond-io-client-options-1.0.0.json) and hooks. */
export interface WebhookClientOptions extends ClientOptions, ClientHooks {
  channelId: string;
  /** The channel's API Token: sent as the Bearer token, never in a message or a log line. */
  apiToken: string;
  idType: IdType;
  /** respond.io's webhook (sources disagree on the host, so it is configurable). */
  webhookUrl?: string | undefined;
  /**
   * Whether a 5xx or a timeout may be posted again (the manifest's `idempotent` for Send Event). Default false: that
   * respond.io de-duplicates repeated mIds is not documented, so only refused posts (429, 449) and posts that never
   * left (connection refused) are repeated.
   */
  idempotent?: boolean | undefined;
  /** The Connection's 'Allow insecure URL': accept a plain http:// Webhook URL to a host that is not loopback (warned). */
  allowInsecureUrl?: boolean | undefined;
  logger?: Logger | undefined;
  /** The plugin's schema registry (the Send Event connector passes its run's); a standalone client loads its own. */
  registry?: SchemaRegistry | undefined;
  /** How many accepted events to remember (default 100,000), so an accepted event is never posted again. */
  rememberAccepted?: number | undefined;
}

/** An event as the caller builds it: the generated type, with the message's type-specific fields let in. */
export type WebhookEventInput = Omit<CustomChannelWebhookEvent, 'message'> & {
  message?: CustomChannelWebhookMessageContent & Record<string, unknown>;
};

/** What to post: the channel id comes from the client's configuration. */
export interface WebhookEvents {
  contactId: string;
  events: WebhookEventInput[];
  contact?: CustomChannelWebhookContact;
}

export interface WebhookPostResult {
  /** 200 when respond.io accepted (or had already accepted every event). */
  statusCode: number;
  /** Attempts made (0 when every event had been accepted before). */
  attempts: number;
  /** mIds of the events posted by this call, and of those skipped as already accepted. */
  posted: string[];
  skipped: string[];
}

/** A payload that breaks a rule of seed 002: nothing was sent. `issues` name the fields. */
export class WebhookPayloadError extends RowError {
  readonly issues: PlainIssue[];

  constructor(issues: PlainIssue[]) {
    super('RC_INVALID_INPUT_ROW', 400, `invalid Custom Channel event: ${formatIssues(issues)}`);
    this.issues = issues;
  }
}

/** The webhook as logs, limiters and messages name it. */
const WEBHOOK_KEY = 'POST Custom Channel webhook';

/**
 * Posts messages, message echoes and receipts to respond.io's Custom Channel webhook. Every payload is checked
 * against seed 002 before it leaves (the same schema the simulator checks with). Accepted events are remembered
 * (by contact, type, mId and status), so a retry of the same row, or a resend by the caller, never posts an accepted
 * event twice.
 */
export class WebhookClient {
  private readonly channelId: string;
  private readonly idType: IdType;
  private readonly webhookUrl: string;
  private readonly idempotent: boolean;
  private readonly validator: CustomChannelValidator;
  private readonly ledger: WebhookLedger;
  private readonly transport: ReturnType<typeof createTransport>;
  private readonly loop: AttemptLoop;

  constructor(options: WebhookClientOptions) {
    const { channelId, apiToken, idType, webhookUrl, idempotent, allowInsecureUrl = false, logger = silentLogger, registry = SchemaRegistry.load(), rememberAccepted, ...family } = options;
    if (typeof channelId !== 'string' || channelId === '') throw new ConfigurationError('RC_INVALID_CONNECTION', 'Channel ID is missing');
    if (typeof apiToken !== 'string' || apiToken === '') throw new ConfigurationError('RC_INVALID_CONNECTION', 'API Token is missing');
    if (!idTypes.includes(idType)) throw new ConfigurationError('RC_INVALID_CONNECTION', `ID type must be ${idTypes.join(' or ')}, got ${JSON.stringify(idType)}`);
    this.webhookUrl = checkUrl(webhookUrl ?? DEFAULT_WEBHOOK_URL);
    checkUrlSecurity(new URL(this.webhookUrl), 'Webhook URL', allowInsecureUrl, logger);
    const resolved = resolveFamilyOptions(family, registry);
    this.channelId = channelId;
    this.idType = idType;
    this.idempotent = idempotent ?? false;
    this.validator = new CustomChannelValidator(registry);
    this.ledger = new WebhookLedger(rememberAccepted ?? 100_000);
    this.transport = createTransport(this.webhookUrl, apiToken, resolved.timeoutMs);
    this.loop = new AttemptLoop({
      transport: this.transport,
      clean: redactor([apiToken]),
      policy: resolved.retryPolicy,
      clock: resolved.clock,
      random: resolved.random,
      wallClock: resolved.wallClock,
      logger,
      timeoutMs: resolved.timeoutMs,
      maxResponseBytes: resolved.maxResponseBytes,
      budget: resolved.rateBudget,
      organization: organizationKey(apiToken, this.webhookUrl),
      credential: 'the Custom Channel API Token',
      describeStatus: (status, body) => `${statusLine(status)}: ${httpErrorMessage(status, customChannelErrorText(body))}`,
    });
  }

  /** Checks a payload against seed 002 without sending it: the issues, or an empty list. */
  check(input: WebhookEvents): PlainIssue[] {
    const checked = this.validator.webhookPayload(this.payload(input), { channelId: this.channelId, idType: this.idType });
    return checked.ok ? [] : checked.issues;
  }

  /**
   * Validates, then posts the events not accepted before through the one attempt loop (attempt-loop.ts), every retry
   * with the very same body. Throws WebhookPayloadError (400, nothing sent), ConfigurationError RC_TOKEN_REJECTED
   * (401: every event would fail the same way; latched for the client), or RowError with respond.io's status
   * (RC_UPSTREAM_HTTP_ERROR, RC_UPSTREAM_NO_RESPONSE, RC_RETRY_BUDGET_EXHAUSTED, RC_ABORTED).
   */
  async post(input: WebhookEvents, context: CallContext = {}): Promise<WebhookPostResult> {
    const issues = this.check(input);
    if (issues.length > 0) throw new WebhookPayloadError(issues);
    const keys = input.events.map((event) => webhookEventKey(input.contactId, event));
    for (let busy = this.ledger.busy(keys); busy !== undefined; busy = this.ledger.busy(keys)) await busy;
    const fresh = input.events.filter((_, i) => !this.ledger.accepted(keys[i] as string));
    const skipped = input.events.filter((_, i) => this.ledger.accepted(keys[i] as string)).map((event) => event.mId);
    if (fresh.length === 0) return { statusCode: 200, attempts: 0, posted: [], skipped };
    const freshKeys = fresh.map((event) => webhookEventKey(input.contactId, event));
    // Serialized once: every retry sends exactly these bytes, so the mIds cannot drift between attempts.
    const body = JSON.stringify(this.payload({ ...input, events: fresh }));
    const done = this.ledger.inFlight(freshKeys);
    try {
      const { status: statusCode, attempts } = await this.loop.run({
        key: WEBHOOK_KEY,
        method: 'POST',
        url: '',
        body,
        idempotent: this.idempotent,
        limit: undefined, // respond.io documents no rate limit for the webhook; a 429 still pauses it
        signal: context.signal,
        beforeSend: context.beforeSend,
      });
      this.ledger.accept(freshKeys);
      return { statusCode, attempts, posted: fresh.map((event) => event.mId), skipped };
    } finally {
      done();
    }
  }

  stats(): UpstreamStats {
    return this.loop.stats();
  }

  close(): void {
    this.transport.close();
  }

  private payload(input: WebhookEvents): CustomChannelWebhookPayload {
    const payload: Record<string, unknown> = { channelId: this.channelId, contactId: input.contactId, events: input.events };
    if (input.contact !== undefined) payload.contact = input.contact;
    return payload as unknown as CustomChannelWebhookPayload;
  }
}

/** respond.io's Custom Channel errors are `{ "error": { "message" } }`; the API's are `{ "message" }`: read both. */
function customChannelErrorText(body: string): string {
  try {
    const parsed = JSON.parse(body) as { error?: { message?: unknown } };
    const message = parsed?.error?.message;
    if (typeof message === 'string') return JSON.stringify({ message });
  } catch {
    // not JSON: httpErrorMessage takes the raw text
  }
  return body;
}

function checkUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ConfigurationError('RC_INVALID_CONNECTION', `Webhook URL is not a URL: ${JSON.stringify(url)}`);
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw new ConfigurationError('RC_INVALID_CONNECTION', `Webhook URL must be http(s), got ${parsed.protocol}`);
  return parsed.href;
}
