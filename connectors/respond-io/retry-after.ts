/**
 * Parses a Retry-After header (RFC 9110 §10.2.3): delta-seconds ("3") or an HTTP-date ("Wed, 21 Oct 2015 07:28:00
 * GMT"). Returns milliseconds to wait (≥ 0), or undefined when absent or unparseable. Pure: the wall clock is passed
 * in, because an HTTP-date is relative to Date.now(), not to the monotonic clock the pacer uses.
 */
export function parseRetryAfter(value: string | readonly string[] | undefined, wallNowMs: number): number | undefined {
  const first = Array.isArray(value) ? value[0] : value;
  if (first === undefined) return undefined;
  // Empty needs no case of its own: it matches neither the number nor the date-looking test below.
  const text = first.trim();
  // Fractions are not in the RFC, but some gateways send them; honour them rather than fall back to a guess.
  if (/^\d+(\.\d+)?$/.test(text)) return Math.ceil(Number(text) * 1000);
  // Only a date-looking text: Date.parse accepts odd things like "12" (a year).
  if (!/[a-z]/i.test(text)) return undefined;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - wallNowMs);
}
