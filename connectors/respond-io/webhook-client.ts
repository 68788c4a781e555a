import { systemClock, type Clock } from '../../runtime/clock.js';
import { copyStats, countStatus, noUpstreamStats, type UpstreamStats } from '../../runtime/connector.js';
import { ConfigurationError, RowError } from '../../runtime/errors.js';
import { scrubCause } from '../../runtime/scrub-cause.js';
import { silentLogger, type Logger } from '../../runtime/logger.js';
import { SchemaRegistry } from '../../runtime/schema-registry.js';
import type { CustomChannelWebhookContact, CustomChannelWebhookEvent, CustomChannelWebhookMessageContent, CustomChannelWebhookPayload } from '../../schemas/generated/row-types.js';
import { formatIssues, type PlainIssue } from '../../runtime/schema-issues.js';
import { CustomChannelValidator, idTypes, type IdType } from './custom-channel-rules.js';
import { redactor } from '../../runtime/secrets.js';
import { describeNoResponse, httpErrorMessage, networkErrorCode, statusLine } from './error-mapping.js';
import { createTransport } from './http.js';
import { decideRetry, resolveRetryPolicy, type AttemptOutcome, type RetryPolicy } from './retry-policy.js';
import { webhookEventKey, WebhookLedger } from './webhook-ledger.js';

export const DEFAULT_WEBHOOK_URL = 'https://app.respond.io/custom/channel/webhook/';
export const DEFAULT_WEBHOOK_TIMEOUT_MS = 15_000;

export interface WebhookClientOptions {
  channelId: string;
  /** The channel's API Token: sent as the Bearer token, never in a message or a log line. */
  apiToken: string;
  idType: IdType;
  /** respond.io's webhook (sources disagree on the host, so it is configurable). */
  webhookUrl?: string;
  timeoutMs?: number;
  /**
   * Overrides of the respond.io retry policy (connectors/respond-io/retry-policy.ts). Unlike the API client, POSTs
   * are retried on 429, 5xx and network errors by default: every retry carries the same mIds, so respond.io can tell a
   * resend from a new event.
   */
  retryPolicy?: Partial<RetryPolicy>;
  clock?: Clock;
  random?: () => number;
  /** Date.now()-style wall clock, for Retry-After dates. */
  wallClock?: () => number;
  logger?: Logger;
  /** The plugin's schema registry (the Send Event connector passes its run's); a standalone client loads its own. */
  registry?: SchemaRegistry;
  /** How many accepted events to remember (default 100,000), so an accepted event is never posted again. */
  rememberAccepted?: number;
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

const webhookRetryDefaults: Partial<RetryPolicy> = {
  retryTransientMethods: ['POST'],
  transientStatusCodes: [500, 502, 503, 504],
};

/**
 * Posts messages, message echoes and receipts to respond.io's Custom Channel webhook. Every payload is checked
 * against seed 002 before it leaves (the same schema the simulator checks with). Accepted events are remembered
 * (by contact, type, mId and status), so a retry of the same row, or a resend by the caller, never posts an accepted
 * event twice.
 */
export class WebhookClient {
  private readonly channelId: string;
  private readonly idType: IdType;
  private readonly apiToken: string;
  /** Scrubs the token from texts built from upstream data (a proxy could echo the Authorization header). */
  private readonly clean: (text: string) => string;
  private readonly webhookUrl: string;
  private readonly timeoutMs: number;
  private readonly policy: RetryPolicy;
  private readonly clock: Clock;
  private readonly random: () => number;
  private readonly wallClock: () => number;
  private readonly logger: Logger;
  private readonly validator: CustomChannelValidator;
  private readonly ledger: WebhookLedger;
  private readonly transport: ReturnType<typeof createTransport>;
  private readonly counters: UpstreamStats = noUpstreamStats();

  constructor(options: WebhookClientOptions) {
    if (typeof options.channelId !== 'string' || options.channelId === '') throw new ConfigurationError('RC_INVALID_CONNECTION', 'Channel ID is missing');
    if (typeof options.apiToken !== 'string' || options.apiToken === '') throw new ConfigurationError('RC_INVALID_CONNECTION', 'API Token is missing');
    if (!idTypes.includes(options.idType)) throw new ConfigurationError('RC_INVALID_CONNECTION', `ID type must be ${idTypes.join(' or ')}, got ${JSON.stringify(options.idType)}`);
    this.webhookUrl = checkUrl(options.webhookUrl ?? DEFAULT_WEBHOOK_URL);
    this.timeoutMs = options.timeoutMs ?? DEFAULT_WEBHOOK_TIMEOUT_MS;
    if (!Number.isInteger(this.timeoutMs) || this.timeoutMs < 1 || this.timeoutMs > 600_000) {
      throw new ConfigurationError('RC_INVALID_OPTION', `timeoutMs must be an integer from 1 to 600000, got ${JSON.stringify(options.timeoutMs)}`);
    }
    this.channelId = options.channelId;
    this.idType = options.idType;
    this.apiToken = options.apiToken;
    this.clean = redactor([options.apiToken]);
    this.policy = resolveRetryPolicy({ ...webhookRetryDefaults, ...options.retryPolicy });
    this.clock = options.clock ?? systemClock;
    this.random = options.random ?? Math.random;
    this.wallClock = options.wallClock ?? Date.now;
    this.logger = options.logger ?? silentLogger;
    this.validator = new CustomChannelValidator(options.registry ?? SchemaRegistry.load());
    this.ledger = new WebhookLedger(options.rememberAccepted ?? 100_000);
    this.transport = createTransport(this.webhookUrl, this.apiToken, this.timeoutMs);
  }

  /** Checks a payload against seed 002 without sending it: the issues, or an empty list. */
  check(input: WebhookEvents): PlainIssue[] {
    const checked = this.validator.webhookPayload(this.payload(input), { channelId: this.channelId, idType: this.idType });
    return checked.ok ? [] : checked.issues;
  }

  /**
   * Validates, then posts the events not accepted before, retrying 429/5xx/network failures with the very same body.
   * Throws WebhookPayloadError (400, nothing sent), ConfigurationError RC_TOKEN_REJECTED (401/403: every event would
   * fail the same way), or RowError with respond.io's status (RC_UPSTREAM_HTTP_ERROR, RC_UPSTREAM_NO_RESPONSE,
   * RC_RETRY_BUDGET_EXHAUSTED).
   */
  async post(input: WebhookEvents, signal?: AbortSignal): Promise<WebhookPostResult> {
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
      const { statusCode, attempts } = await this.send(body, signal);
      this.ledger.accept(freshKeys);
      return { statusCode, attempts, posted: fresh.map((event) => event.mId), skipped };
    } finally {
      done();
    }
  }

  stats(): UpstreamStats {
    return copyStats(this.counters);
  }

  close(): void {
    this.transport.close();
  }

  private payload(input: WebhookEvents): CustomChannelWebhookPayload {
    const payload: Record<string, unknown> = { channelId: this.channelId, contactId: input.contactId, events: input.events };
    if (input.contact !== undefined) payload.contact = input.contact;
    return payload as unknown as CustomChannelWebhookPayload;
  }

  private async send(body: string, signal: AbortSignal | undefined): Promise<{ statusCode: number; attempts: number }> {
    let attempts = 0;
    let waitedMs = 0;
    for (;;) {
      signal?.throwIfAborted();
      attempts += 1;
      this.counters.requests += 1;
      let outcome: AttemptOutcome;
      let failure: () => RowError | ConfigurationError;
      try {
        const response = await this.transport.got.post('', { body, headers: { 'content-type': 'application/json' }, ...(signal ? { signal } : {}) });
        const status = response.statusCode;
        countStatus(this.counters, status);
        if (status >= 200 && status < 300) return { statusCode: status, attempts };
        const text = this.clean(httpErrorMessage(status, customChannelErrorText(response.body)));
        if (status === 401 || status === 403) {
          throw new ConfigurationError('RC_TOKEN_REJECTED', `respond.io refused the Custom Channel API Token (${statusLine(status)}): ${text}`);
        }
        if (status === 429) this.counters.rateLimited += 1;
        outcome = { kind: 'status', status, retryAfter: response.headers['retry-after'] };
        failure = () => new RowError('RC_UPSTREAM_HTTP_ERROR', status, `respond.io webhook answered ${statusLine(status)}: ${text}`);
      } catch (error) {
        if (error instanceof ConfigurationError) throw error;
        if (signal?.aborted) throw new RowError('RC_ABORTED', 499, 'the run was cancelled while the event was being posted', { cause: scrubCause(error) });
        countStatus(this.counters, 'none');
        const code = networkErrorCode(error);
        outcome = { kind: 'network', code };
        failure = () => new RowError('RC_UPSTREAM_NO_RESPONSE', 500, this.clean(`no answer from respond.io webhook: ${describeNoResponse(code, this.timeoutMs, error)}`), { cause: scrubCause(error) });
      }
      const decision = decideRetry(outcome, { method: 'POST', attempts, waitedMs, policy: this.policy, random: this.random, wallNowMs: this.wallClock() });
      if (decision.action === 'stop') throw failure();
      if (decision.action === 'give-up') {
        const last = failure();
        if (attempts >= this.policy.maxAttempts) throw last;
        throw new RowError('RC_RETRY_BUDGET_EXHAUSTED', last instanceof RowError ? last.statusCode : 500, `${last.message} (not retried: ${decision.why})`);
      }
      this.counters.retries += 1;
      if (decision.reason === 'rate-limited') this.counters.rateLimitWaitMs += decision.waitMs;
      this.logger.debug({ attempt: attempts, reason: decision.reason, waitMs: decision.waitMs }, 'custom channel webhook: retrying with the same mIds');
      waitedMs += decision.waitMs;
      await this.clock.sleep(decision.waitMs, signal);
    }
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
