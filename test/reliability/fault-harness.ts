import { parseIdentifier } from '../../connectors/respond-io/identifier.js';
import type { Logger } from '../../runtime/logger.js';
import type { RunResult } from '../../runtime/run-result.js';
import type { RequestLogEntry, RunningSimulator } from '../../simulator/index.js';

/** A token nobody could mistake for anything else: every test of this folder greps for it. */
export const SECRET_TOKEN = 'rc-SECRET-7f3a9c-do-not-leak-0042';

/** Every fault kind the simulator has, 20 % of requests, timings short enough for a fast suite. */
export const FAULTS = {
  rate: 0.2,
  kinds: ['500', '502', '503', '504', 'reset', 'slow', 'truncated', '429'] as const,
  // The client times out at TIMEOUT_MS; a 'slow' answer comes far later, so it is always a timeout, never a late 200.
  slowMs: 10_000,
  // A '429' burst refuses its endpoint for 1 ms (Retry-After still says 1 s: the client waits it on its fake clock).
  burstMs: 1,
};
// Long enough that an answer without a fault is never late on a loaded machine (tap runs 4 files at once; the
// bad-input corpus parses 10 MB lines): a timeout must mean a 'slow' fault, or the cause check would misread it.
// It was 800 ms, the tightest real-time margin in the suite, when CI once failed one assertion it did not name on a
// run 30 % slower than usual; each 'slow' fault costs this much real time, which is why it is not larger.
export const TIMEOUT_MS = 2_000;

/** What one input row is, as the test built it: what the simulator holds for it decides what a success must carry. */
export type RowPlan =
  | { kind: 'contact'; row: Record<string, unknown>; url: string; contactId: number }
  | { kind: 'message'; row: Record<string, unknown>; url: string; contactId: number; messageId: number }
  | { kind: 'missing'; row: Record<string, unknown>; url: string }
  | { kind: 'invalid'; row: Record<string, unknown> };

export const contactUrl = (identifier: string): string => `/v2/contact/${parseIdentifier(identifier).pathSegment}`;

/** A logger that keeps every line as JSON text, to search for the token and to read what was logged. */
export function capturingLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const keep = (level: string) => (object: object, message?: string) => {
    lines.push(JSON.stringify({ level, ...object, msg: message }));
  };
  return { lines, debug: keep('debug'), info: keep('info'), warn: keep('warn'), error: keep('error') };
}

/**
 * The requests the simulator saw, per URL, in the order they ended. Read it after closing the simulator: a 'slow'
 * answer the client gave up on is logged only when it ends, and closing ends it (logged as dropped, fault 'slow').
 */
export function requestsByUrl(simulator: RunningSimulator): Map<string, RequestLogEntry[]> {
  const byUrl = new Map<string, RequestLogEntry[]>();
  for (const entry of simulator.stats.log) {
    const list = byUrl.get(entry.url ?? '') ?? [];
    list.push(entry);
    byUrl.set(entry.url ?? '', list);
  }
  return byUrl;
}

/** A 2xx the client received whole: not held past its timeout ('slow'), not cut ('truncated'). */
export const deliveredSuccess = (entry: RequestLogEntry): boolean =>
  entry.status >= 200 && entry.status < 300 && entry.fault !== 'slow' && entry.fault !== 'truncated';

/** The upstream text the client must quote for an HTTP status the simulator sent (error-mapping.ts). */
const statusTexts: Record<number, RegExp> = {
  429: /Too many requests/,
  500: /Internal server error/,
  502: /502 Bad Gateway/,
  503: /The server is overloaded/,
  504: /HTTP 504 Gateway Timeout with an empty body/,
  404: /(Contact|Message) not found/,
};

/**
 * Why an error row failed, read from its StatusCode and Message, and whether the simulator's log backs it: the
 * cause must be one that really happened to that row's URL. Returns a problem, or undefined when it checks out.
 */
export function causeProblem(row: Record<string, unknown>, plan: RowPlan, requests: readonly RequestLogEntry[]): string | undefined {
  const status = row.StatusCode as number;
  const message = String(row.Message);
  const saw = (test: (entry: RequestLogEntry) => boolean): boolean => requests.some(test);
  if (plan.kind === 'invalid') {
    if (status !== 400) return `an invalid row got ${status}`;
    return /Identifier|MessageID|invalid input row/.test(message) ? undefined : `400 without the column named: ${message}`;
  }
  if (status === 500 && message.includes(`timeout after ${TIMEOUT_MS} ms`)) return saw((e) => e.fault === 'slow') ? undefined : 'timeout without a slow answer';
  if (status === 500 && /connection reset|socket hang up/.test(message)) return saw((e) => e.status === 0 && e.fault === 'reset') ? undefined : 'reset without a dropped connection';
  if (status === 500 && message.includes('not valid JSON')) return saw((e) => e.fault === 'truncated') ? undefined : 'bad body without a truncated answer';
  const text = statusTexts[status];
  if (!text) return `unexpected StatusCode ${status}: ${message}`;
  if (!text.test(message)) return `StatusCode ${status} with a message that is not upstream's: ${message}`;
  if (status === 404 && plan.kind !== 'missing') return 'a 404 for a row that exists';
  return saw((e) => e.status === status) ? undefined : `StatusCode ${status} that the simulator never sent to ${plan.url}`;
}

/** A success row must be the simulator's own record for that row. */
export function successProblem(row: Record<string, unknown>, plan: RowPlan): string | undefined {
  if (row.StatusCode !== 200 || row.Message !== null) return `not a success row: ${JSON.stringify(row)}`;
  if (plan.kind === 'contact') return row.ID === plan.contactId ? undefined : `ID ${String(row.ID)} for contact ${plan.contactId}`;
  if (plan.kind === 'message') {
    return row.MessageID === String(plan.messageId) && row.ContactID === plan.contactId ? undefined : `message ${String(row.MessageID)} for ${plan.messageId}`;
  }
  return `a ${plan.kind} row succeeded`;
}

export interface RunOutput {
  rows: Record<string, unknown>[];
  result: RunResult;
}

/**
 * Checks one run against error-behavior.md and the simulator's log; returns every problem found (empty = fine).
 * - output in input order: row j belongs to input row j (checked by content, every row carries its own ID);
 * - Do not fail: one output row per input row; Fail modes: rows 1..k-1 succeed, row k (the failure) is an error row
 *   (or absent, Fail without response), nothing after it, and k is failure.row;
 * - every failed row carries a cause the simulator really produced for it; invalid rows cost no request;
 * - no row is asked again once it got a 2xx, and a success row got exactly one.
 */
export function runProblems(behavior: string, plans: readonly RowPlan[], output: RunOutput, simulator: RunningSimulator): string[] {
  const problems: string[] = [];
  const byUrl = requestsByUrl(simulator);
  const { rows, result } = output;
  const failsRun = behavior !== 'Do not fail and return response';
  const failedAt = result.failure?.row ?? undefined;

  if (!failsRun) {
    if (rows.length !== plans.length) problems.push(`Do not fail: ${rows.length} rows out for ${plans.length} in`);
    if (result.status === 'failed' || result.status === 'cancelled') problems.push(`Do not fail ended ${result.status}`);
    const errors = rows.filter((row) => row.StatusCode !== 200).length;
    if (result.errorRows !== errors) problems.push(`errorRows ${result.errorRows}, error rows out ${errors}`);
  } else if (failedAt === undefined) {
    if (result.status !== 'succeeded' || rows.length !== plans.length) problems.push(`no failure, yet ${result.status} with ${rows.length}/${plans.length} rows`);
  } else {
    const expected = behavior === 'Fail and return response' ? failedAt : failedAt - 1;
    if (rows.length !== expected) problems.push(`failed at row ${failedAt}: ${rows.length} rows out, expected ${expected}`);
    if (result.status !== 'failed') problems.push(`a failed row ended the run ${result.status}`);
  }

  rows.forEach((row, j) => {
    const plan = plans[j] as RowPlan;
    const isFailure = failsRun && failedAt === j + 1;
    const requests = 'url' in plan ? (byUrl.get(plan.url) ?? []) : [];
    if (row.StatusCode === 200 && !isFailure) {
      const problem = successProblem(row, plan);
      if (problem) problems.push(`row ${j + 1}: ${problem}`);
    } else {
      if (failsRun && !isFailure) problems.push(`row ${j + 1} failed before the run's failure row ${String(failedAt)}`);
      const problem = causeProblem(row, plan, requests);
      if (problem) problems.push(`row ${j + 1}: ${problem}`);
    }
  });

  // Fail without response: the failed row has no output row, but its cause must still be real (in the run result).
  if (failsRun && failedAt !== undefined && result.failure) {
    const plan = plans[failedAt - 1] as RowPlan;
    const requests = 'url' in plan ? (byUrl.get(plan.url) ?? []) : [];
    const problem = causeProblem({ StatusCode: result.failure.statusCode, Message: result.failure.message }, plan, requests);
    if (problem) problems.push(`run failure (row ${failedAt}): ${problem}`);
  }

  plans.forEach((plan, i) => {
    if (plan.kind === 'invalid') return;
    const requests = byUrl.get(plan.url) ?? [];
    const delivered = requests.filter(deliveredSuccess).length;
    const out = rows[i];
    const succeeded = out !== undefined && out.StatusCode === 200;
    if (delivered > 1) problems.push(`row ${i + 1} (${plan.url}) got ${delivered} 2xx: asked again after a success`);
    if (succeeded && delivered !== 1) problems.push(`row ${i + 1} succeeded with ${delivered} delivered 2xx`);
  });
  // An invalid row costs no request: every URL the simulator saw belongs to a valid row of this run.
  const planned = new Set(plans.flatMap((plan) => ('url' in plan ? [plan.url] : [])));
  for (const url of byUrl.keys()) if (!planned.has(url)) problems.push(`a request no valid row explains: ${url}`);
  return problems;
}
