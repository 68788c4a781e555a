import type { Clock } from '../../runtime/clock.js';
import { copyStats, countStatus, noUpstreamStats, type UpstreamStats } from '../../runtime/connector.js';
import { ConfigurationError, RowError } from '../../runtime/errors.js';
import type { Logger } from '../../runtime/logger.js';
import { scrubCause } from '../../runtime/scrub-cause.js';
import type { HttpMethod } from './endpoints.js';
import { describeNoResponse, networkErrorCode, statusLine } from './error-mapping.js';
import type { HttpTransport } from './http.js';
import type { ObservedAnswer } from './learned-limits.js';
import type { AttemptEnding } from './outcome-table.js';
import type { EndpointBudget, RateBudget, RateLimit, SendTicket } from './budget/rate-budget.js';
import { RateLimitWait } from './rate-limit-wait.js';
import { decideRetry, type RetryPolicy } from './retry-policy.js';

/** One client's settings for its loop (one client = one run). */
export interface AttemptLoopOptions {
  transport: HttpTransport;
  /** Scrubs the credential from every text built from upstream data (a proxy could echo the Authorization header). */
  clean: (text: string) => string;
  policy: RetryPolicy;
  clock: Clock;
  random: () => number;
  wallClock: () => number;
  logger: Logger;
  timeoutMs: number;
  /** Largest body accepted, counted as it arrives: past it the request is aborted (RC_UPSTREAM_BAD_BODY). */
  maxResponseBytes: number;
  /** Where the pace is kept: this process (InProcessRateBudget) or every process on one Redis (budget/README.md). */
  budget: RateBudget;
  /** Budgets are shared per organization: a 429 seen by one client pauses the endpoint for all. */
  organization: string;
  /** The credential as messages name it: 'the token', 'the Custom Channel API Token'. */
  credential: string;
  /** A non-2xx answer's body → the row's Message (respond.io's `message`, or the raw text). */
  describeStatus(status: number, body: string): string;
}

/** One call: what goes out, and the manifest entry's facts about it. */
export interface AttemptCall {
  /** The endpoint as logs, limiters and messages name it: 'GET /contact/{identifier}'. */
  key: string;
  method: HttpMethod;
  /** Relative to the transport's prefix URL (no leading slash); '' for the prefix itself. */
  url: string;
  searchParams?: Readonly<Record<string, string | number | boolean>> | undefined;
  /** Sent as JSON; a string is sent as is (already serialized: every retry sends the same bytes). */
  body?: unknown;
  /** Whether a 5xx or a timeout may be repeated (the manifest's `idempotent`). */
  idempotent: boolean;
  /** Requests per second on this endpoint; undefined for unpaced (a 429 still pauses it). A function is read as late as the budget can (RateLimit). */
  limit: RateLimit | undefined;
  /** Told of every answer (status, headers, the budget's count of the window): rate-limit header learning. */
  onAnswer?: ((answer: ObservedAnswer) => void) | undefined;
  signal?: AbortSignal | undefined;
  /** Awaited right before a request of a call that is not idempotent leaves, after pacing, once per attempt. */
  beforeSend?: (() => Promise<void>) | undefined;
}

export interface AttemptAnswer {
  status: number;
  body: string;
  attempts: number;
}

/**
 * The one attempt loop of every HTTP call to respond.io (API client and webhook client): pacing, the outcome table
 * (outcome-table.ts), waits and caps (retry-policy.ts), the 401 latch, one accounting, one set of errors:
 * - aborted → RowError RC_ABORTED 500 (error-behavior.md: 500 when no response came);
 * - 401 → ConfigurationError RC_TOKEN_REJECTED, and no further request with that credential in the run;
 * - gave up → RowError RC_RETRY_BUDGET_EXHAUSTED with the last status (500 when no response), the last error kept
 *   in the message and as cause;
 * - any other failure → RowError with the answer's status (RC_UPSTREAM_HTTP_ERROR) or 500 (RC_UPSTREAM_NO_RESPONSE).
 */
export class AttemptLoop {
  private readonly counters: UpstreamStats = noUpstreamStats();
  private readonly waits: RateLimitWait;
  private tokenRejected: string | undefined;

  constructor(private readonly options: AttemptLoopOptions) {
    this.waits = new RateLimitWait(options.clock);
  }

  /** The client's traffic; rateLimitWaitMs is wall-clock time (never more than the run), rateLimitWaitRowMs the sum over calls. */
  stats(): UpstreamStats {
    return { ...copyStats(this.counters), rateLimitWaitMs: this.waits.wallMs, rateLimitWaitRowMs: this.waits.rowMs };
  }

  async run(call: AttemptCall): Promise<AttemptAnswer> {
    const { policy, clock, logger, clean } = this.options;
    const { signal } = call;
    this.throwIfRejected();
    let attempts = 0;
    let waitedMs = 0;
    for (;;) {
      // Looked up on every attempt, never kept: an idle one may be forgotten by its store.
      const budget = this.options.budget.endpoint(this.options.organization, call.key);
      // Another row's 429 paused the endpoint for longer than this row may wait: fail now, without a request.
      const paused = await budget.pauseRemainingMs();
      if (paused > policy.maxSingleWaitMs) {
        throw new RowError('RC_RETRY_BUDGET_EXHAUSTED', 429, `${call.key} is paused by respond.io (429 Retry-After) for ${Math.ceil(paused)} ms more, longer than retryPolicy.maxSingleWaitMs ${policy.maxSingleWaitMs}`);
      }
      await this.admitted(budget, call.limit, signal);
      // Rows queued behind the one that got the 401 must not send either.
      this.throwIfRejected();
      if (!call.idempotent && call.beforeSend) await call.beforeSend();
      // The last check, right before the socket write: nothing slow runs between admission and the send.
      const ticket = await this.admitted(budget, call.limit, signal, 'gate');

      attempts += 1;
      this.counters.requests += 1;
      if (attempts > 1) this.counters.retries += 1;
      let ending: AttemptEnding;
      let failure: RowError;
      let tooLarge: number | undefined;
      let answered: number | undefined;
      try {
        const pending = this.options.transport.got(call.url, {
          method: call.method,
          ...(call.searchParams ? { searchParams: { ...call.searchParams } } : {}),
          ...(typeof call.body === 'string' ? { body: call.body, headers: { 'content-type': 'application/json' } } : call.body !== undefined ? { json: call.body } : {}),
          ...(signal ? { signal } : {}),
        });
        // The pace counts from when the request really left, not from when the budget let it through.
        pending.on('request', (outgoing) => {
          outgoing.once('finish', () => ticket?.noteSent(clock.now()));
          outgoing.once('response', (incoming: { statusCode?: number }) => (answered = incoming.statusCode));
        });
        // Counted as it arrives, so a huge or endless body is cut off at the cap instead of filling memory; a
        // Content-Length past the cap (got's `total`) ends it at the first progress event, before the body.
        const cap = this.options.maxResponseBytes;
        pending.on('downloadProgress', (progress: { transferred: number; total?: number | undefined }) => {
          const bytes = Math.max(progress.transferred, progress.total ?? 0);
          if (tooLarge !== undefined || bytes <= cap) return;
          tooLarge = bytes;
          pending.cancel();
        });
        const response = await pending;
        const status = response.statusCode;
        countStatus(this.counters, status);
        call.onAnswer?.({ status, headers: response.headers, windowCount: ticket?.windowCount?.() });
        if (status >= 200 && status < 300) return { status, body: response.body, attempts };
        if (status === 429) this.counters.rateLimited += 1;
        ending = { kind: 'status', status, retryAfter: response.headers['retry-after'] };
        failure = new RowError('RC_UPSTREAM_HTTP_ERROR', status, clean(this.options.describeStatus(status, response.body)));
      } catch (error) {
        if (signal?.aborted) throw this.aborted(signal, error);
        if (tooLarge !== undefined) {
          countStatus(this.counters, answered ?? 'none');
          throw new RowError('RC_UPSTREAM_BAD_BODY', 500, `respond.io's answer on ${call.key} passed the response size cap of ${this.options.maxResponseBytes} bytes (maxResponseBytes; ${tooLarge} bytes or more): the request was aborted`);
        }
        countStatus(this.counters, 'none');
        const code = networkErrorCode(error);
        ending = { kind: 'network', code };
        // The got error holds the request options, the Authorization header included: only a scrubbed copy is kept.
        failure = new RowError('RC_UPSTREAM_NO_RESPONSE', 500, clean(`no response from respond.io on ${call.key}: ${describeNoResponse(code, this.options.timeoutMs, error)}`), { cause: scrubCause(error) });
      }

      const decision = decideRetry(ending, { idempotent: call.idempotent, attempts, waitedMs, policy, random: this.options.random, wallNowMs: this.options.wallClock() });
      if (decision.action === 'token-rejected') {
        this.tokenRejected = `respond.io rejected ${this.options.credential} (401): ${failure.message}`;
        logger.error({ endpoint: call.key, status: 401 }, `respond.io rejected ${this.options.credential}: no further request is made with it in this run`);
        this.throwIfRejected();
      }
      if (decision.action === 'stop' || decision.action === 'token-rejected') throw failure;
      // Only a 429 (decideRetry's 'rate-limited'; a 449 is not) pauses the endpoint, for every row of the store.
      if (decision.reason === 'rate-limited') await budget.penalize(decision.waitMs);
      const last = ending.kind === 'status' ? statusLine(ending.status) : `no response (${ending.code})`;
      if (decision.action === 'give-up') {
        throw new RowError('RC_RETRY_BUDGET_EXHAUSTED', failure.statusCode, `${call.key} gave up after ${last}: ${decision.why}; last error: ${failure.message}`, { cause: failure });
      }
      logger.debug({ endpoint: call.key, attempt: attempts, last, reason: decision.reason, waitMs: decision.waitMs }, 'respond.io call will be retried');
      waitedMs += decision.waitMs;
      // A 429's wait happens in the budget (paused for every row above, and counted there); the others wait here.
      if (decision.reason !== 'rate-limited') {
        try {
          await clock.sleep(decision.waitMs, signal);
        } catch {
          throw this.aborted(signal);
        }
      }
    }
  }

  /**
   * Waits for the budget: `acquire` (the reserved slot) or `gate` (admitted right now; its ticket). Counted as
   * rate-limit wait. An unpaced call (no limit) only waits out a 429 pause. A store that is gone for good
   * (RC_RATE_BUDGET_UNAVAILABLE, a ConfigurationError) stops the run; an abort is the row's RC_ABORTED.
   */
  private async admitted(budget: EndpointBudget, limit: RateLimit | undefined, signal: AbortSignal | undefined, step?: 'gate'): Promise<SendTicket | undefined> {
    if (signal?.aborted) throw this.aborted(signal);
    const waited = this.waits.begin();
    try {
      if (limit === undefined) {
        // At both steps: a pause that began after the first (another row's 429 while beforeSend ran) is waited out
        // before the send, as a paced call's gate does.
        const paused = await budget.pauseRemainingMs();
        if (paused > 0) await this.options.clock.sleep(paused, signal);
        return undefined;
      }
      if (step === 'gate') return await budget.gate(typeof limit === 'function' ? limit() : limit, signal);
      await budget.acquire(limit, signal);
      return undefined;
    } catch (error) {
      if (error instanceof ConfigurationError) throw error;
      throw this.aborted(signal);
    } finally {
      waited();
    }
  }

  private throwIfRejected(): void {
    if (this.tokenRejected !== undefined) throw new ConfigurationError('RC_TOKEN_REJECTED', this.tokenRejected);
  }

  /** A row's RC_ABORTED (500: no response came), its message from the signal's reason. */
  aborted(signal: AbortSignal | undefined, cause?: unknown): RowError {
    const reason: unknown = signal?.reason;
    const text = reason instanceof Error ? reason.message : reason === undefined ? 'aborted' : String(reason);
    return new RowError('RC_ABORTED', 500, this.options.clean(`request cancelled: ${text}`), cause === undefined ? undefined : { cause: scrubCause(cause) });
  }
}
