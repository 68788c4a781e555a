import { randomUUID } from 'node:crypto';
import got, { HTTPError, RequestError, TimeoutError } from 'got';
import { MAX_MID_LENGTH, ProviderFailure, type ProviderAdapter } from './adapter.js';
import { scrubCause } from '../runtime/scrub-cause.js';
import { DEFAULT_MAX_RESPONSE_BYTES } from '../connectors/respond-io/client-options.js';
import { isLoopbackHost } from '../connectors/respond-io/url-policy.js';

export interface ForwardAdapterOptions {
  /** The provider endpoint that takes the respond.io message as JSON and answers its message id. */
  url: string;
  /** Extra headers, e.g. the provider's own Authorization (never logged). */
  headers?: Record<string, string>;
  /** Per attempt (got has no timeout by default). Default 10 s. */
  timeoutMs?: number;
  /** Retries after the first attempt, for 408/429/5xx and network errors. Default 2. */
  retries?: number;
  /** Wait before retry n (1-based); default: got's backoff, honouring Retry-After up to 30 s. Tests pass () => 0. */
  retryDelayMs?: (retry: number) => number;
  /** Field of the provider's JSON answer holding the message id; default: the first of mId, id, messageId. */
  idField?: string;
  /** Largest provider answer accepted, counted as it arrives (default 4 MiB, as respond.io's client): past it the request is aborted. */
  maxResponseBytes?: number;
  /** Plain http:// to a host that is not loopback carries the provider key in clear: refused unless true (then warned once). */
  allowInsecureUrl?: boolean;
}

const RETRY_STATUS = [408, 429, 500, 502, 503, 504];

/**
 * POSTs `{ channelId, contactId, message }` (the body respond.io sent) to a provider URL. One Idempotency-Key per
 * outgoing message, the same on every retry, so a provider that honours it never sends a message twice when an
 * answer was lost. got is used here because this is a provider, not respond.io (connectors/respond-io/ owns those).
 */
export function createForwardAdapter(options: ForwardAdapterOptions): ProviderAdapter {
  let url: URL;
  try {
    url = new URL(options.url);
  } catch {
    throw new RangeError(`forward url must be an absolute http(s) URL, got ${JSON.stringify(options.url)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new RangeError(`forward url must be http(s), got ${url.protocol}`);
  const retries = options.retries ?? 2;
  if (!Number.isInteger(retries) || retries < 0 || retries > 10) throw new RangeError(`retries must be an integer from 0 to 10, got ${JSON.stringify(retries)}`);
  const timeoutMs = options.timeoutMs ?? 10_000;
  if (!Number.isInteger(timeoutMs) || timeoutMs < 1) throw new RangeError(`timeoutMs must be a positive integer, got ${JSON.stringify(timeoutMs)}`);
  const maxResponseBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  if (!Number.isInteger(maxResponseBytes) || maxResponseBytes < 1) throw new RangeError(`maxResponseBytes must be a positive integer, got ${JSON.stringify(maxResponseBytes)}`);
  // The same rule as respond.io's Base URL (url-policy.ts): refused now, as an option error; an explicit opt-in is
  // warned once, in the server's log, on the first send.
  const inClear = url.protocol === 'http:' && !isLoopbackHost(url.hostname);
  if (inClear && options.allowInsecureUrl !== true) {
    throw new RangeError(`forward url ${url.origin} is plain http to a host that is not loopback: the provider's headers would cross the network unencrypted. Use https, or opt in with allowInsecureUrl (--forward-allow-insecure-url)`);
  }
  let warnInsecure = inClear;
  const where = `${url.origin}${url.pathname}`; // no query string: it may hold a provider key

  const client = got.extend({
    headers: { ...options.headers, accept: 'application/json' },
    timeout: { request: timeoutMs },
    followRedirect: false,
    responseType: 'text',
    retry: {
      limit: retries,
      methods: ['POST'],
      statusCodes: RETRY_STATUS,
      maxRetryAfter: 30_000,
      // got reads a delay of 0 as "do not retry": a retry always waits at least 1 ms.
      calculateDelay: ({ attemptCount, computedValue }) => (computedValue === 0 ? 0 : Math.max(1, options.retryDelayMs?.(attemptCount) ?? computedValue)),
    },
  });

  return {
    name: 'forward',
    async send(message, { signal, logger }) {
      if (warnInsecure) {
        warnInsecure = false;
        logger.warn({ origin: url.origin }, `forward url is plain http to ${url.host} (allowInsecureUrl): the provider's headers cross the network unencrypted`);
      }
      const idempotencyKey = randomUUID().replace(/-/g, '');
      let body: string;
      let tooLarge: number | undefined;
      try {
        const pending = client.post(url, { json: message, headers: { 'idempotency-key': idempotencyKey }, signal });
        // Counted as it arrives (a lying or huge Content-Length ends it at the first progress event): a provider
        // answer never fills the server's memory.
        pending.on('downloadProgress', (progress: { transferred: number; total?: number | undefined }) => {
          const bytes = Math.max(progress.transferred, progress.total ?? 0);
          if (tooLarge !== undefined || bytes <= maxResponseBytes) return;
          tooLarge = bytes;
          pending.cancel();
        });
        body = (await pending).body;
      } catch (error) {
        if (tooLarge !== undefined) {
          throw new ProviderFailure(502, `the provider's answer passed the response size cap of ${maxResponseBytes} bytes (maxResponseBytes; ${tooLarge} bytes or more): the request was aborted`, { cause: scrubCause(error) });
        }
        throw toFailure(error, where, retries);
      }
      const mId = providerMessageId(body, options.idField);
      // The provider took the message: answering an error now would make respond.io show a sent message as failed.
      // Without an id in its answer, the idempotency key (unique per message) stands in for it.
      return { mId: mId ?? idempotencyKey };
    },
  };
}

function providerMessageId(body: string, idField: string | undefined): string | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return undefined;
  }
  if (parsed === null || typeof parsed !== 'object') return undefined;
  const record = parsed as Record<string, unknown>;
  for (const field of idField ? [idField] : ['mId', 'id', 'messageId']) {
    const value = record[field];
    if ((typeof value === 'string' && value !== '') || typeof value === 'number') {
      const id = String(value);
      if (id.length <= MAX_MID_LENGTH) return id;
    }
  }
  return undefined;
}

function toFailure(error: unknown, where: string, retries: number): ProviderFailure {
  const attempts = `${retries + 1} attempt${retries === 0 ? '' : 's'}`;
  if (error instanceof HTTPError) {
    const status = error.response.statusCode;
    const said = providerErrorText(String(error.response.body ?? ''));
    if (RETRY_STATUS.includes(status)) return new ProviderFailure(502, `the provider answered HTTP ${status} after ${attempts}${said}`, { cause: scrubCause(error) });
    // The provider refused this message: resending it unchanged will not help, so respond.io gets a 4xx.
    return new ProviderFailure(status >= 500 ? 502 : 400, `the provider refused the message (HTTP ${status})${said}`, { cause: scrubCause(error) });
  }
  if (error instanceof TimeoutError) return new ProviderFailure(504, `the provider did not answer in time (${attempts} to ${where})`, { cause: scrubCause(error) });
  if (error instanceof RequestError) return new ProviderFailure(502, `the provider could not be reached (${error.code}, ${attempts} to ${where})`, { cause: scrubCause(error) });
  return new ProviderFailure(502, 'the provider call failed', { cause: scrubCause(error) });
}

/** `: <the provider's own error message>` when its body says one, capped; nothing otherwise. */
function providerErrorText(body: string): string {
  let text: unknown;
  try {
    const parsed = JSON.parse(body) as { error?: { message?: unknown } | string; message?: unknown };
    text = typeof parsed.error === 'object' ? parsed.error?.message : parsed.error ?? parsed.message;
  } catch {
    return '';
  }
  return typeof text === 'string' && text.trim() !== '' ? `: ${text.trim().slice(0, 300)}` : '';
}
