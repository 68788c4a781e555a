import { unlink } from 'node:fs/promises';
import { fingerprintDifferences, fingerprintOf, type FingerprintParts } from '../../runtime/checkpoint/fingerprint.js';
import { CheckpointJournal, emptyWatermark, JournalCorrupt, readJournal, type JournalState } from '../../runtime/checkpoint/journal.js';
import { BatchFileError, reasonOf, type BatchNames } from '../names.js';

export interface PreparedCheckpoint {
  /** The journal's state before this leg: what it committed, and the rows it left in flight. */
  earlier: JournalState;
  /** Whether an earlier leg's journal was found (then the output is cut back and the input skipped). */
  resumed: boolean;
  /** Writes the journal (fresh, or compacted from the earlier one) and opens it for this leg. */
  start(): Promise<CheckpointJournal>;
}

/**
 * Reads the journal of a checkpointed run and checks that it is of this run; everything it refuses is a
 * BatchFileError (the CLI's exit 2) that says what differs, before any row is read or the output is touched.
 */
export async function prepareCheckpoint(path: string, restart: boolean, parts: FingerprintParts, names: BatchNames): Promise<PreparedCheckpoint> {
  let fingerprint;
  try {
    fingerprint = await fingerprintOf(parts);
  } catch (error) {
    throw new BatchFileError('RC_INVALID_OPTION', `${names.input} ${JSON.stringify(parts.inputPath)} cannot be read: ${reasonOf(error)}`);
  }
  if (restart) await unlink(path).catch(() => undefined);
  let recorded: JournalState | undefined;
  try {
    recorded = await readJournal(path);
  } catch (error) {
    const why = error instanceof JournalCorrupt ? error.message : `cannot be read: ${reasonOf(error)}`;
    throw new BatchFileError('RC_CHECKPOINT_MISMATCH', `${names.checkpoint} ${JSON.stringify(path)}: ${why} (use ${names.restart} to start over)`);
  }
  if (recorded !== undefined) {
    const differences = fingerprintDifferences(recorded.fingerprint, fingerprint);
    if (differences.length > 0) {
      throw new BatchFileError(
        'RC_CHECKPOINT_MISMATCH',
        `${names.checkpoint} ${JSON.stringify(path)} is the journal of another run: ${differences.join('; ')} (${names.again}, or use ${names.restart} to throw the journal away and start over)`,
      );
    }
  }
  const earlier = recorded ?? { fingerprint, committed: emptyWatermark(), intents: new Set<number>(), outcomes: new Map() };
  return {
    earlier,
    resumed: recorded !== undefined,
    start: () => CheckpointJournal.start(path, { ...earlier, intents: new Set(earlier.intents), outcomes: new Map(earlier.outcomes) }),
  };
}
