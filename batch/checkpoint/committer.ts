import type { CheckpointJournal, Watermark } from '../../runtime/checkpoint/journal.js';
import type { RowWriter } from '../output/open-output.js';

export const COMMIT_EVERY_MS = 1000;

/**
 * Moves the journal's watermark behind the output: at most once a second, the output is fsynced and then the
 * boundary of the last settled input row is appended to the journal (output first, then journal), so the journal
 * never covers a byte that is not on disk.
 *
 * In a Fail setting an error row ends the run as failed at that row, and a resumed run must run that row again: its
 * boundary is held back, so the committed watermark stays on the row before it.
 */
export class Committer {
  private latest: Watermark;
  private previous: Watermark;
  private heldBack = false;
  private committedBytes: number;
  private committedRow: number;
  private flushing: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private failed: Error | undefined;

  constructor(
    private readonly journal: CheckpointJournal,
    private readonly writer: RowWriter,
    private readonly holdBackErrorRows: boolean,
  ) {
    this.latest = journal.committed;
    this.previous = this.latest;
    this.committedBytes = this.latest.outputBytes;
    this.committedRow = this.latest.row;
  }

  start(): void {
    this.timer = setInterval(() => void this.flush(), COMMIT_EVERY_MS);
    this.timer.unref();
  }

  /** Input row `input` will yield nothing more; its rows are written (the writer's position is after them). */
  settled(input: number, outcome: 'ok' | 'error-row' | 'dropped'): void {
    if (outcome === 'dropped') return; // `Fail without response`: the run fails at this row; it is run again on resume
    const { bytes, rows } = this.writer.position();
    this.previous = this.latest;
    this.latest = { row: input, outputBytes: bytes, outputRows: rows, errorRows: this.latest.errorRows + (outcome === 'error-row' ? 1 : 0) };
    this.heldBack = this.holdBackErrorRows && outcome === 'error-row';
  }

  /** The last commit: the output up to the last settled row is synced and committed (the writer is not ended yet). */
  async finish(): Promise<Watermark> {
    clearInterval(this.timer);
    await this.flushing;
    await this.flush();
    if (this.failed) throw this.failed;
    return this.journal.committed;
  }

  private flush(): Promise<void> {
    if (this.flushing) return this.flushing;
    const boundary = this.heldBack ? this.previous : this.latest;
    if (boundary.row === this.committedRow && boundary.outputBytes === this.committedBytes) return Promise.resolve();
    this.flushing = (async () => {
      try {
        await this.writer.sync();
        await this.journal.commit(boundary);
        this.committedRow = boundary.row;
        this.committedBytes = boundary.outputBytes;
      } catch (error) {
        this.failed ??= error as Error;
      } finally {
        this.flushing = undefined;
      }
    })();
    return this.flushing;
  }
}
