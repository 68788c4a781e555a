/** What the first SIGINT/SIGTERM did to the run, for the summary. */
export interface Interruption {
  /** The signal's name (or the abort reason). */
  reason: string;
  /** Input rows read before the input was cut: every row after it was never read. */
  afterRow: number;
  /** Whether rows still in flight at the end of the grace period had to be cancelled. */
  graceExpired: boolean;
}

export interface StoppableInput {
  rows: AsyncGenerator<unknown>;
  /** Set once the signal has cut the input. */
  interruption(): Interruption | undefined;
  noteGraceExpired(): void;
}

/**
 * A graceful stop: when `signal` aborts, the rows end as if the input had ended there. The pipeline then finishes
 * the rows it already read (output in order, whole lines), and the run ends normally — the CLI reports it as
 * interrupted. `stopSource` unblocks a read that waits for input that may never come (a terminal's stdin).
 */
export function stopOnSignal(source: AsyncGenerator<unknown>, signal: AbortSignal | undefined, stopSource: () => void): StoppableInput {
  let read = 0;
  let interruption: Interruption | undefined;
  /** Ends the read in progress, if one waits. Not a long-lived promise raced per row: that would keep a reaction per row alive. */
  let wake: (() => void) | undefined;
  const stop = (): void => {
    if (interruption !== undefined) return;
    interruption = { reason: reasonText(signal?.reason), afterRow: read, graceExpired: false };
    stopSource();
    wake?.();
  };
  // Kept after the input ends: a signal while the last rows are in flight still interrupts the run (grace period).
  if (signal?.aborted) stop();
  else signal?.addEventListener('abort', stop, { once: true });

  async function* rows(): AsyncGenerator<unknown> {
    try {
      while (interruption === undefined) {
        const pending = source.next();
        const next = await new Promise<IteratorResult<unknown> | 'stop'>((resolve, reject) => {
          wake = () => resolve('stop');
          pending.then(resolve, reject);
        });
        wake = undefined;
        if (next === 'stop') {
          pending.catch(() => undefined); // the destroyed source may reject; nobody waits for it any more
          return;
        }
        if (next.done) return;
        read += 1;
        yield next.value;
      }
    } finally {
      if (interruption === undefined) await source.return(undefined);
      else void source.return(undefined).catch(() => undefined);
    }
  }
  return {
    rows: rows(),
    interruption: () => interruption,
    noteGraceExpired: () => {
      if (interruption) interruption.graceExpired = true;
    },
  };
}

function reasonText(reason: unknown): string {
  if (typeof reason === 'string') return reason;
  if (reason instanceof Error) return reason.message;
  return 'interrupted';
}
