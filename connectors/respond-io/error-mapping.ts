import { STATUS_CODES } from 'node:http';

const MAX_MESSAGE = 500;

/** "HTTP 502 Bad Gateway" */
export function statusLine(status: number): string {
  const reason = STATUS_CODES[status];
  return reason ? `HTTP ${status} ${reason}` : `HTTP ${status}`;
}

/**
 * The Message of a non-2xx answer: respond.io's `{ "code": …, "message": "…" }` when it is that, else the raw text
 * (gateways answer 502/504 with HTML), on one line and capped so an error row stays readable.
 */
export function httpErrorMessage(status: number, body: string): string {
  const text = body.trim();
  if (text === '') return `${statusLine(status)} with an empty body`;
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed !== null && typeof parsed === 'object' && 'message' in parsed) {
      const message = (parsed as { message: unknown }).message;
      if (typeof message === 'string' && message.trim() !== '') return cap(message.trim());
    }
  } catch {
    // Not JSON: fall through to the raw text.
  }
  return cap(text.replace(/\s+/g, ' '));
}

function cap(text: string): string {
  return text.length > MAX_MESSAGE ? `${text.slice(0, MAX_MESSAGE)}…` : text;
}

const NETWORK_CAUSES: Record<string, string> = {
  ECONNRESET: 'connection reset',
  ECONNREFUSED: 'connection refused',
  ECONNABORTED: 'connection aborted',
  EPIPE: 'connection closed while sending',
  ENOTFOUND: 'DNS lookup failed',
  EAI_AGAIN: 'DNS lookup failed',
  ENETUNREACH: 'network unreachable',
  EHOSTUNREACH: 'host unreachable',
  ERR_READING_RESPONSE_STREAM: 'response cut off while reading',
};

/** The error code of a failed request, as the retry policy sees it ('ETIMEDOUT', 'ECONNRESET', …). */
export function networkErrorCode(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : 'UNKNOWN';
}

/** Why no response came, for a 500 error row: "timeout after 15000 ms", "connection reset (ECONNRESET)". */
export function describeNoResponse(code: string, timeoutMs: number, error: unknown): string {
  if (code === 'ETIMEDOUT') return `timeout after ${timeoutMs} ms`;
  const cause = NETWORK_CAUSES[code];
  if (cause) return `${cause} (${code})`;
  // Unknown errors: their message only (got's messages name the code and host, never the headers).
  const message = error instanceof Error ? error.message : String(error);
  return `request failed (${code}): ${cap(message)}`;
}
