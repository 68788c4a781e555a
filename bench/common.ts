import type { RunningSimulator } from '../simulator/index.js';

/** One scenario's JSON line: the common fields, then the scenario's own. */
export interface ScenarioResult {
  scenario: string;
  rows: number;
  seconds: number;
  rowsPerSecond: number;
  [field: string]: unknown;
}

export interface BenchContext {
  /** Smaller counts, so the whole run stays under a minute. */
  quick: boolean;
  /** Progress lines for humans (stderr); the JSON lines go to stdout. */
  note(text: string): void;
}

export type Scenario = (context: BenchContext) => Promise<ScenarioResult[]>;

export const round = (value: number, digits = 2): number => {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
};

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Wall seconds of an async job, with its value. */
export async function timed<T>(job: () => Promise<T>): Promise<{ value: T; seconds: number }> {
  const started = performance.now();
  const value = await job();
  return { value, seconds: (performance.now() - started) / 1000 };
}

/** `id:<n>` identifiers of the simulator's contacts, cycled to `count` rows. */
export function contactRows(sim: RunningSimulator, count: number): { Identifier: string }[] {
  const contacts = sim.data.contacts;
  return Array.from({ length: count }, (_, i) => ({ Identifier: `id:${(contacts[i % contacts.length] as { id: number }).id}` }));
}

/** (Identifier, MessageID) pairs of messages that exist, cycled to `count` rows. */
export function messageRows(sim: RunningSimulator, count: number): { Identifier: string; MessageID: string }[] {
  const pairs: { Identifier: string; MessageID: string }[] = [];
  for (const contact of sim.data.contacts) {
    for (const message of sim.data.messagesOf(contact.id)) {
      pairs.push({ Identifier: `id:${contact.id}`, MessageID: String(message.messageId) });
      if (pairs.length >= count) return pairs;
    }
  }
  return Array.from({ length: count }, (_, i) => pairs[i % pairs.length] as { Identifier: string; MessageID: string });
}

export const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
};
