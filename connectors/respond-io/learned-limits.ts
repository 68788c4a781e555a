import type { IncomingHttpHeaders } from 'node:http';
import type { Clock } from '../../runtime/clock.js';
import type { Logger } from '../../runtime/logger.js';
import { IdleMap } from './budget/idle-map.js';
import { DEFAULT_LIMITER_IDLE_MS } from './pacer.js';
import { MAX_RATE_LIMIT } from './options.js';
import { readRateLimitHeaders } from './rate-limit-headers.js';

/**
 * An X-RateLimit-Limit above this many times the table's value is not believed: respond.io raises limits by small
 * factors, while a proxy's or a test server's header of "1000" would have us send at 100× and collect a storm of
 * 429s, each of which pauses the endpoint (and costs the organization's real budget).
 */
export const MAX_LEARNED_FACTOR = 10;
/** What another consumer was seen spending is remembered this long (two windows), then forgotten if not seen again. */
export const FOREIGN_MEMORY_MS = 2000;
/** With someone else spending, pace at this share of what they leave: their spend is measured, not promised. */
export const FOREIGN_HEADROOM = 0.95;
/** However much someone else seems to spend, keep at least this share of the limit (rows still move; 429s say the rest). */
export const MIN_SHARE = 0.1;

/** One answer as the learner sees it. */
export interface ObservedAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  /** This organization's sends on the endpoint the budget counted in the second up to this one's, itself included; undefined when not known. */
  windowCount: number | undefined;
}

/** The endpoint's limit as configured: the table's (or the unlisted default), or an explicit 'Rate limits' setting. */
export interface ConfiguredLimit {
  rps: number;
  /** Set by the run's 'Rate limits': it wins over X-RateLimit-Limit (someone chose it). */
  explicit: boolean;
}

class EndpointLearning {
  /** The last believable X-RateLimit-Limit. */
  serverLimit: number | undefined;
  /** The limit adopted from the header (undefined: the configured one). */
  adopted: number | undefined;
  /** Requests someone else had in the server's window, per 2xx answer: [clock time, count]. */
  readonly foreign: [number, number][] = [];
  lastUsedAt: number;

  constructor(now: number) {
    this.lastUsedAt = now;
  }

  idleSince(): number | undefined {
    return this.lastUsedAt;
  }
}

/**
 * What respond.io's own headers teach about one organization × endpoint, kept per process (forgotten when idle):
 * - X-RateLimit-Limit different from the table → paced at it from then on (an organization whose limits respond.io
 *   raised gets them without a setting); the change is logged once. Not believed past MAX_LEARNED_FACTOR × the table
 *   or MAX_RATE_LIMIT. An explicit 'Rate limits' setting wins.
 * - X-RateLimit-Remaining lower than the limit minus our own sends in the window (counted by the rate budget, so with
 *   Redis every process's sends are "ours") → that many requests were someone else's. The most seen in the last
 *   FOREIGN_MEMORY_MS is subtracted from the limit, with FOREIGN_HEADROOM, before a 429 comes.
 */
export class LimitLearner {
  readonly #endpoints: IdleMap<EndpointLearning>;

  constructor(
    private readonly clock: Clock,
    idleMs = DEFAULT_LIMITER_IDLE_MS,
  ) {
    this.#endpoints = new IdleMap(clock, idleMs);
  }

  /** Requests per second to pace at now. */
  limit(organization: string, endpointKey: string, configured: ConfiguredLimit): number {
    const learning = this.#learning(organization, endpointKey);
    const base = configured.explicit ? configured.rps : (learning.adopted ?? configured.rps);
    const foreign = this.#foreignNow(learning);
    if (foreign === 0) return base;
    const left = ((learning.serverLimit ?? base) - foreign) * FOREIGN_HEADROOM;
    return Math.max(base * MIN_SHARE, Math.min(base, left));
  }

  observe(organization: string, endpointKey: string, configured: ConfiguredLimit, answer: ObservedAnswer, logger: Logger): void {
    const learning = this.#learning(organization, endpointKey);
    const { limit, remaining } = readRateLimitHeaders(answer.headers);
    const believable = limit !== undefined && limit <= Math.min(MAX_RATE_LIMIT, configured.rps * MAX_LEARNED_FACTOR);
    if (limit !== undefined && !believable) {
      logger.debug({ endpoint: endpointKey, header: limit, table: configured.rps }, `X-RateLimit-Limit ${limit} ignored: more than ${MAX_LEARNED_FACTOR} × the configured ${configured.rps}/s`);
    }
    if (believable) {
      learning.serverLimit = limit;
      if (!configured.explicit) this.#adopt(learning, endpointKey, configured.rps, limit, logger);
    }
    // Only an answer the server counted tells what is left besides ours; a 429's "0 left" says nothing more.
    const serverLimit = learning.serverLimit ?? configured.rps;
    if (answer.status >= 200 && answer.status < 300 && remaining !== undefined && remaining <= serverLimit && answer.windowCount !== undefined) {
      const now = this.clock.now();
      learning.foreign.push([now, Math.max(0, serverLimit - answer.windowCount - remaining)]);
      this.#forget(learning, now);
    }
  }

  #adopt(learning: EndpointLearning, endpointKey: string, table: number, limit: number, logger: Logger): void {
    const next = limit === table ? undefined : limit;
    if (next === learning.adopted) return;
    const before = learning.adopted ?? table;
    learning.adopted = next;
    logger.info({ endpoint: endpointKey, limit, before, table }, `respond.io says ${endpointKey} allows ${limit} requests per second (X-RateLimit-Limit; was ${before}, the table says ${table}): paced at ${limit} from now on`);
  }

  #foreignNow(learning: EndpointLearning): number {
    this.#forget(learning, this.clock.now());
    return learning.foreign.reduce((most, [, count]) => Math.max(most, count), 0);
  }

  #forget(learning: EndpointLearning, now: number): void {
    while (learning.foreign.length > 0 && now - (learning.foreign[0] as [number, number])[0] > FOREIGN_MEMORY_MS) learning.foreign.shift();
  }

  #learning(organization: string, endpointKey: string): EndpointLearning {
    const now = this.clock.now();
    const learning = this.#endpoints.get(`${organization} ${endpointKey}`, () => new EndpointLearning(now));
    learning.lastUsedAt = now;
    return learning;
  }
}

const learners = new WeakMap<Clock, LimitLearner>();

/** The process's learner on a clock (like the pacer's registry: per clock, so fake-clock tests do not share). */
export function limitLearner(clock: Clock): LimitLearner {
  let learner = learners.get(clock);
  if (!learner) learners.set(clock, (learner = new LimitLearner(clock)));
  return learner;
}
