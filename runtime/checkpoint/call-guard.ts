import type { ConnectorSession, Row } from '../connector.js';
import { RowError } from '../errors.js';
import type { CheckpointJournal, RecordedOutcome } from './journal.js';

/**
 * Hooks around each connector call of a checkpointed run of a connector that is not idempotent; `row` is the row
 * number the pipeline gives the call (RowContext.row).
 * - `before`: returns a row an earlier leg received but did not commit, to replay instead of calling; or throws
 *   RC_OUTCOME_UNKNOWN for a row that may have been sent already.
 * - `beforeSend`: right before the request leaves (after pacing); resolves once the intent is durable.
 * - `after`: the call ended with an answer (a row, or a failure the client gave up on).
 */
export interface CallGuard {
  before(row: number): Promise<RecordedOutcome | undefined>;
  beforeSend(row: number): Promise<void>;
  after(row: number, outcome: RecordedOutcome): void;
}

/**
 * A session whose calls pass through the guard. A call that was aborted (cancel, a Fail stop) records no outcome: it
 * may or may not have left, so a resumed run reports it unknown rather than sending it twice.
 */
export function guardSession(session: ConnectorSession, guard: CallGuard): ConnectorSession {
  return {
    stats: () => session.stats(),
    ...(session.close ? { close: () => session.close?.() } : {}),
    // Guarded calls answer one row: a list (many rows per input row) is a read, and reads are idempotent, unguarded.
    process: async (row, context) => {
      const recorded = await guard.before(context.row);
      if (recorded !== undefined) return replay(recorded);
      const guarded = {
        ...context,
        beforeSend: async () => {
          await context.beforeSend();
          await guard.beforeSend(context.row);
        },
      };
      try {
        const answer = session.process(row, guarded);
        if (Symbol.asyncIterator in answer) throw new RowError('RC_CONNECTOR_CRASHED', 500, 'a connector that is not idempotent answered several rows: a checkpointed run cannot journal them');
        const output = await answer;
        guard.after(context.row, { row: output });
        return output;
      } catch (error) {
        if (error instanceof RowError && !context.signal.aborted) {
          guard.after(context.row, { error: { code: error.code, statusCode: error.statusCode, message: error.message } });
        }
        throw error;
      }
    },
  };
}

function replay(outcome: RecordedOutcome): Row {
  if ('row' in outcome) return outcome.row;
  throw new RowError(outcome.error.code, outcome.error.statusCode, outcome.error.message);
}

/**
 * Where a guarded run records intents and outcomes: the CLI's file journal, or a durable HTTP run's Redis keys.
 * recordIntent must be durable before it resolves (the call leaves right after).
 */
export type IntentLog = Pick<CheckpointJournal, 'recordIntent' | 'recordOutcome'>;

/** The guard of a journaled run; the pipeline numbers a resumed leg's rows from its firstRow, so `row` is global. */
export function journalGuard(
  journal: IntentLog,
  earlier: { intents: ReadonlySet<number>; outcomes: ReadonlyMap<number, RecordedOutcome> },
): CallGuard {
  return {
    async before(row) {
      const n = row;
      const recorded = earlier.outcomes.get(n);
      if (recorded !== undefined && 'row' in recorded) {
        await journal.recordOutcome(n, recorded); // still uncommitted: kept for a further resume
        return recorded;
      }
      // A recorded failure is a definite answer (the client already retried what it may): the row is asked again,
      // as a resumed failed run asks its failed row again.
      if (recorded === undefined && earlier.intents.has(n)) {
        await journal.recordIntent(n);
        throw new RowError('RC_OUTCOME_UNKNOWN', 500, `row ${n} may have been sent before the earlier run stopped and its outcome is unknown: it is not sent again`);
      }
      return undefined;
    },
    beforeSend: (row) => journal.recordIntent(row),
    after(row, outcome) {
      journal.recordOutcome(row, outcome).catch(() => undefined);
    },
  };
}
