import { open, readFile, rename, unlink, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Row } from '../connector.js';
import type { ErrorCode } from '../error-codes.js';
import type { RunFingerprint } from './fingerprint.js';

/**
 * Where the committed output ends: input rows 1..`row` have all their output rows in the first `outputBytes` bytes of
 * the output file (`outputRows` rows, `errorRows` of them error rows).
 */
export interface Watermark {
  row: number;
  outputBytes: number;
  outputRows: number;
  errorRows: number;
}

/** A non-idempotent row's call that ended (its output is not committed yet): replayed on resume instead of re-sent. */
export type RecordedOutcome = { row: Row } | { error: { code: ErrorCode; statusCode: number; message: string } };

export interface JournalState {
  fingerprint: RunFingerprint;
  committed: Watermark;
  /** Rows after the watermark whose call may have left (an intent was recorded before it). */
  intents: Set<number>;
  outcomes: Map<number, RecordedOutcome>;
}

const VERSION = 1;
/** Past this many bytes the journal is rewritten with only what is still open: its size never grows with the rows. */
export const COMPACT_AFTER_BYTES = 64 * 1024;

export class JournalCorrupt extends Error {}

export const emptyWatermark = (): Watermark => ({ row: 0, outputBytes: 0, outputRows: 0, errorRows: 0 });

/**
 * Reads a journal: undefined when there is none. Each line is one JSON record; a torn last line (a crash in the
 * middle of an append) is dropped, as if that append never happened. A bad line before the last is corruption.
 */
export async function readJournal(path: string): Promise<JournalState | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const lines = text.split('\n');
  // Only a newline-terminated line was fully appended; the piece after the last newline is torn (or empty).
  lines.pop();
  let state: JournalState | undefined;
  lines.forEach((line, index) => {
    let record: Record<string, unknown>;
    try {
      record = JSON.parse(line) as Record<string, unknown>;
    } catch {
      throw new JournalCorrupt(`line ${index + 1} of the checkpoint journal is not JSON`);
    }
    if (index === 0) {
      if (record.v !== VERSION || typeof record.fingerprint !== 'object') throw new JournalCorrupt('the checkpoint journal does not start with its run fingerprint');
      state = { fingerprint: record.fingerprint as RunFingerprint, committed: emptyWatermark(), intents: new Set(), outcomes: new Map() };
      return;
    }
    apply(state as JournalState, record);
  });
  if (state === undefined) throw new JournalCorrupt('the checkpoint journal is empty or torn before its first line');
  return state;
}

function apply(state: JournalState, record: Record<string, unknown>): void {
  if (record.commit !== undefined) {
    state.committed = record.commit as Watermark;
    forgetUpTo(state, state.committed.row);
  } else if (typeof record.intent === 'number') {
    if (record.intent > state.committed.row) state.intents.add(record.intent);
  } else if (typeof record.outcome === 'number') {
    if (record.outcome > state.committed.row) state.outcomes.set(record.outcome, ('row' in record ? { row: record.row } : { error: record.error }) as RecordedOutcome);
  }
}

function forgetUpTo(state: JournalState, row: number): void {
  for (const n of state.intents) if (n <= row) state.intents.delete(n);
  for (const n of state.outcomes.keys()) if (n <= row) state.outcomes.delete(n);
}

/**
 * The journal of a checkpointed run: append-only JSON lines, compacted (rewritten whole, then renamed over) when it
 * passes COMPACT_AFTER_BYTES. Writes are serialised; the ones a caller awaits are fsynced before they resolve.
 */
export class CheckpointJournal {
  private handle: FileHandle | undefined;
  private appended = 0;
  private chain: Promise<unknown> = Promise.resolve();

  private constructor(
    readonly path: string,
    private readonly state: JournalState,
  ) {}

  /** Starts a journal for a run (fresh, or the state read from the journal being resumed); written and fsynced. */
  static async start(path: string, state: JournalState): Promise<CheckpointJournal> {
    const journal = new CheckpointJournal(path, state);
    await journal.compact();
    return journal;
  }

  get committed(): Watermark {
    return { ...this.state.committed };
  }

  /** Durable before it resolves: the call of row `n` may leave once this is on disk. */
  recordIntent(n: number): Promise<void> {
    this.state.intents.add(n);
    return this.append({ intent: n }, true);
  }

  /** Not fsynced on its own (the next commit is): if it is lost, the row's outcome is only reported unknown. */
  recordOutcome(n: number, outcome: RecordedOutcome): Promise<void> {
    this.state.outcomes.set(n, outcome);
    return this.append({ outcome: n, ...outcome }, false);
  }

  /** Call only once the output up to `watermark.outputBytes` is fsynced. */
  commit(watermark: Watermark): Promise<void> {
    this.state.committed = { ...watermark };
    forgetUpTo(this.state, watermark.row);
    return this.append({ commit: watermark }, true);
  }

  async close(): Promise<void> {
    await this.chain.catch(() => undefined);
    await this.handle?.close();
    this.handle = undefined;
  }

  /** The run finished: nothing is left to resume. */
  async remove(): Promise<void> {
    await this.close();
    await unlink(this.path).catch(() => undefined);
  }

  private append(record: Record<string, unknown>, sync: boolean): Promise<void> {
    const line = JSON.stringify(record) + '\n';
    const next = this.chain.then(async () => {
      const handle = this.handle as FileHandle;
      await handle.write(line);
      this.appended += Buffer.byteLength(line);
      if (sync) await handle.sync();
      if (this.appended > COMPACT_AFTER_BYTES) await this.compact();
    });
    this.chain = next.catch(() => undefined);
    return next;
  }

  /** Rewrites the journal with only what is still open, then renames it over the old one (atomic on POSIX). */
  private async compact(): Promise<void> {
    const { fingerprint, committed, intents, outcomes } = this.state;
    const lines = [JSON.stringify({ v: VERSION, fingerprint }), JSON.stringify({ commit: committed })];
    for (const n of intents) lines.push(JSON.stringify({ intent: n }));
    for (const [n, outcome] of outcomes) lines.push(JSON.stringify({ outcome: n, ...outcome }));
    const temporary = `${this.path}.tmp`;
    const fresh = await open(temporary, 'w');
    try {
      await fresh.write(lines.join('\n') + '\n');
      await fresh.sync();
    } finally {
      await fresh.close();
    }
    await rename(temporary, this.path);
    await syncDirectory(dirname(this.path));
    await this.handle?.close();
    this.handle = await open(this.path, 'a');
    this.appended = 0;
  }
}

/** A rename is durable once the directory holding it is fsynced. */
async function syncDirectory(path: string): Promise<void> {
  const directory = await open(path, 'r');
  try {
    await directory.sync();
  } catch {
    // some file systems refuse fsync on a directory; the rename still happened
  } finally {
    await directory.close();
  }
}
