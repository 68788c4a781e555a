import type { Writable } from 'node:stream';
import { redactor } from '../../runtime/secrets.js';

/**
 * Every text the CLI puts on stderr goes through here: the token is scrubbed out (a last line of defence; the
 * runtime already redacts), and the progress line, when one is drawn, is wiped first and drawn again after.
 */
export class StderrPrinter {
  private redact: (text: string) => string = (text) => text;
  private progressShown = false;

  constructor(private readonly stderr: Writable) {}

  protect(secrets: readonly string[]): void {
    this.redact = redactor(secrets);
  }

  print(text: string): void {
    this.clearProgress();
    this.stderr.write(this.redact(text));
  }

  /** Draws the one-line progress in place (terminals only). */
  progress(text: string): void {
    this.stderr.write(`\r\x1b[K${this.redact(text)}`);
    this.progressShown = true;
  }

  /**
   * A terminal-like stream for a progress bar library: what it writes is scrubbed like any text and counts as the
   * progress line. Cursor save/restore is dropped: log lines printed between its frames would make a restore jump
   * back over them; the bar is one line at the cursor's line, which print() keeps at the start of an empty line.
   */
  terminal(): { isTTY: true; columns: number; write(text: string): boolean } {
    const columns = (this.stderr as Writable & { columns?: number }).columns ?? 100;
    return {
      isTTY: true,
      columns,
      write: (text: string) => {
        const clean = text.replace(/\x1b[78]/g, '');
        if (clean !== '') {
          this.stderr.write(this.redact(clean));
          this.progressShown = true;
        }
        return true;
      },
    };
  }

  clearProgress(): void {
    if (!this.progressShown) return;
    this.stderr.write('\r\x1b[K');
    this.progressShown = false;
  }
}
