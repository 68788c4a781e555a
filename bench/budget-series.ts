import type { RequestLogEntry } from '../simulator/stats.js';

/** One request the simulator logged, attributed to the child process that sent it. */
export interface Arrival {
  /** Simulator clock, ms. */
  at: number;
  /** 0-based index of the process (its input held only its own identifiers). */
  process: number;
  status: number;
}

/** The contact id in a logged path ('/v2/contact/id:1234…' or percent-encoded 'id%3A1234'). */
export function contactIdOf(url: string | undefined): number | undefined {
  const match = /\/contact\/id(?::|%3A)(\d+)/i.exec(url ?? '');
  return match ? Number(match[1]) : undefined;
}

/**
 * The simulator's log entries on one endpoint, each attributed to its process through the contact id in its path:
 * every process was given a disjoint set of contacts. An entry of a contact no process owns is an error (it would
 * mean the attribution, and so the figure, is wrong), not something to skip.
 */
export function attribute(entries: readonly RequestLogEntry[], endpoint: string, owner: ReadonlyMap<number, number>): Arrival[] {
  const arrivals: Arrival[] = [];
  for (const entry of entries) {
    if (entry.endpoint !== endpoint) continue;
    const id = contactIdOf(entry.url);
    const process = id === undefined ? undefined : owner.get(id);
    if (process === undefined) throw new Error(`a request no process owns: ${entry.endpoint} ${entry.url ?? '(no url)'}`);
    arrivals.push({ at: entry.at, process, status: entry.status });
  }
  return arrivals.sort((a, b) => a.at - b.at);
}

export interface WindowRatio {
  /** Whole seconds counted. */
  seconds: number;
  /** Accepted (non-429) requests in them. */
  accepted: number;
  /** accepted / (seconds × limit). */
  ratio: number;
}

/**
 * Accepted requests in the k whole seconds after `from` — (from, from + k s], k = ⌊(to − from) / 1 s⌋ — as a share
 * of the limit. Whole seconds because the server admits at most `limit` in any 1000 ms, so k back-to-back seconds hold
 * at most k × limit: the ratio cannot exceed 1 by a burst at the window's edge. `from` is itself an arrival (the last
 * process's first), left out, so the count errs low by up to one request, never high.
 */
export function wholeSecondRatio(arrivals: readonly Arrival[], from: number, to: number, limit: number): WindowRatio {
  const seconds = Math.floor((to - from) / 1000);
  if (seconds < 1) return { seconds: 0, accepted: 0, ratio: 0 };
  const end = from + seconds * 1000;
  const accepted = arrivals.filter((a) => a.status !== 429 && a.at > from && a.at <= end).length;
  return { seconds, accepted, ratio: accepted / (seconds * limit) };
}

/** When every process had sent its first request, and the first arrival of all: where the "all running" window starts. */
export function startsOf(arrivals: readonly Arrival[], processes: number): { first: number; allRunning: number } | undefined {
  const firsts = new Map<number, number>();
  for (const a of arrivals) if (!firsts.has(a.process)) firsts.set(a.process, a.at);
  if (firsts.size < processes) return undefined;
  return { first: Math.min(...firsts.values()), allRunning: Math.max(...firsts.values()) };
}

export interface SeriesPoint {
  /** Seconds since `from`. */
  t: number;
  /** 'process 1' … or 'combined'. */
  series: string;
  /** Accepted requests in the trailing second (t − 1 s, t]. */
  perSecond: number;
}

/**
 * Accepted requests per trailing second, sampled every `stepMs` from `from` to `to`: one series per process and the
 * combined one. At a sample time t a request counts when t − 1000 < at ≤ t — the same window the simulator's limiter
 * uses, so the combined line can only exceed the limit where the server answered 429 (those are not counted).
 */
export function trailingSeries(arrivals: readonly Arrival[], options: { from: number; to: number; stepMs: number; processes: number }): SeriesPoint[] {
  const { from, to, stepMs, processes } = options;
  if (!(stepMs > 0)) throw new RangeError(`stepMs must be positive, got ${stepMs}`);
  const accepted = arrivals.filter((a) => a.status !== 429).sort((a, b) => a.at - b.at);
  const inWindow = new Array<number>(processes).fill(0);
  const points: SeriesPoint[] = [];
  let head = 0; // next arrival to enter the window
  let tail = 0; // oldest arrival still in it
  for (let step = 0; from + step * stepMs <= to; step++) {
    const t = from + step * stepMs;
    for (; head < accepted.length && (accepted[head] as Arrival).at <= t; head++) add(inWindow, (accepted[head] as Arrival).process, 1);
    for (; tail < head && (accepted[tail] as Arrival).at <= t - 1000; tail++) add(inWindow, (accepted[tail] as Arrival).process, -1);
    const seconds = Math.round(step * stepMs) / 1000;
    inWindow.forEach((count, process) => points.push({ t: seconds, series: `process ${process + 1}`, perSecond: count }));
    points.push({ t: seconds, series: 'combined', perSecond: head - tail });
  }
  return points;
}

function add(counts: number[], index: number, delta: number): void {
  counts[index] = (counts[index] ?? 0) + delta;
}
