import type { Logger } from '../../runtime/logger.js';

/** How many failed rows are logged one by one at the default level before the rest are only counted. */
export const LOGGED_FAILURES_CAP = 20;
const EXAMPLES_PER_CODE = 3;

export interface FailureGroup {
  code: string;
  count: number;
  /** The first few rows of the group, in the order they were reported. */
  examples: { row: number; statusCode: number | null; message: string }[];
}

export interface FailureTally {
  /** The logger to hand the run: failed rows are counted, and logged one by one only up to the cap (or at debug). */
  logger: Logger;
  groups(): FailureGroup[];
  /** Failed rows counted but not logged one by one. */
  unlogged(): number;
}

/**
 * A million rows with bad identifiers once wrote 183 MB of `warn:` lines to stderr and buried the summary. The
 * runtime reports each failed row it goes on after as a warning carrying `row` and `code`; this counts them by code
 * with a few examples for the summary, passes the first `cap` through, and after that one line saying the rest are
 * counted only. At `debug` every row is still logged.
 */
export function failureTally(inner: Logger, options: { everyRow: boolean; cap?: number }): FailureTally {
  const cap = options.cap ?? LOGGED_FAILURES_CAP;
  const byCode = new Map<string, FailureGroup>();
  let seen = 0;
  const warn = (object: object, message?: string): void => {
    const { row, code, statusCode } = object as { row?: unknown; code?: unknown; statusCode?: unknown };
    if (typeof row !== 'number' || typeof code !== 'string') return inner.warn(object, message);
    seen += 1;
    let group = byCode.get(code);
    if (!group) byCode.set(code, (group = { code, count: 0, examples: [] }));
    group.count += 1;
    if (group.examples.length < EXAMPLES_PER_CODE) group.examples.push({ row, statusCode: typeof statusCode === 'number' ? statusCode : null, message: message ?? '' });
    if (options.everyRow || seen <= cap) inner.warn(object, message);
    if (!options.everyRow && seen === cap + 1) {
      inner.warn({}, `more failed rows: counted by code in the summary, not logged one by one (--log-level debug logs each)`);
    }
  };
  return {
    logger: { debug: inner.debug, info: inner.info, warn, error: inner.error },
    groups: () => [...byCode.values()].sort((a, b) => b.count - a.count),
    unlogged: () => (options.everyRow ? 0 : Math.max(0, seen - cap)),
  };
}
