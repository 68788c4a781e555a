/**
 * An error fit to be kept as another error's `cause`. got's errors hold the request options — the Authorization
 * header, a provider's API key — and util.inspect (console.error, a debugger, some loggers) prints a cause in full
 * even when it is not enumerable. This copy keeps what helps debugging (name, message, code, stack) and nothing else.
 */
export function scrubCause(error: unknown): Error {
  if (!(error instanceof Error)) return new Error(String(error));
  const copy = new Error(error.message);
  copy.name = error.name;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') Object.defineProperty(copy, 'code', { value: code, enumerable: true });
  if (error.stack !== undefined) copy.stack = error.stack;
  return copy;
}
