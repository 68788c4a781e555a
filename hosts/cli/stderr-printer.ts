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

  clearProgress(): void {
    if (!this.progressShown) return;
    this.stderr.write('\r\x1b[K');
    this.progressShown = false;
  }
}
