/**
 * The Redis keys of durable runs. A run's keys share its id as a hash tag (`{id}`), so the Lua scripts that touch
 * them together stay in one Redis Cluster slot.
 */
export const KEY_PREFIX = 'respondio:run';
/** Sorted set of run ids by creation time (ms): `GET /v1/runs` reads it; ids whose run has expired are dropped lazily. */
export const RUN_INDEX_KEY = `${KEY_PREFIX}s:index`;
/** Pub/sub channel: a run id published here is cancelled by whichever worker runs it. */
export const CANCEL_CHANNEL = `${KEY_PREFIX}s:cancel`;
/** The BullMQ queue of durable runs (its keys: `bull:respondio-runs:*`). A job's id is its run's id; its data is `{}`. */
export const QUEUE_NAME = 'respondio-runs';

export interface RunKeys {
  /** Hash: connector, settings, concurrency, status, createdAt, total, committed, rowsEmitted, errorRows, upstream, result… */
  meta: string;
  /** List: the input rows as JSON, in order. */
  input: string;
  /**
   * List: the output rows as JSON, in input order. A list, not a stream: `/rows?offset=` pages by index (LRANGE).
   * Appends go through the commit script only, which appends an input row's rows exactly once (scripts.ts).
   */
  output: string;
  /** String: the Connection sealed by connection-vault (AES-256-GCM); deleted when the run ends. */
  connection: string;
  /** Set: input rows of a connector that is not idempotent whose request may have left (intent recorded). */
  intents: string;
  /** Hash: those rows' answers not committed yet (row number → RecordedOutcome JSON), replayed on resume. */
  outcomes: string;
}

export function runKeys(id: string): RunKeys {
  const base = `${KEY_PREFIX}:{${id}}`;
  return { meta: `${base}:meta`, input: `${base}:input`, output: `${base}:output`, connection: `${base}:connection`, intents: `${base}:intents`, outcomes: `${base}:outcomes` };
}

/** Every key of a run, for EXPIRE and DEL (the Lua scripts take them in this order). */
export const allKeys = (keys: RunKeys): string[] => [keys.meta, keys.input, keys.output, keys.connection, keys.intents, keys.outcomes];
