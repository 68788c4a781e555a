import { PassThrough } from 'node:stream';
import type { ColumnDescription } from '../../../runtime/schema-registry.js';
import type { Format } from '../../../batch/formats.js';
import { openInput } from '../../../batch/input/open-input.js';
import { cliNames } from '../cli-names.js';

export interface RowCount {
  /** The input's row count once counted; undefined until then, and for stdin (a pipe cannot be read twice). */
  total(): number | undefined;
  stop(): void;
}

/**
 * Counts an input file's rows in the background, with the same reader as the run (so "rows" means the same thing:
 * a malformed line counts, a blank line does not), for the progress bar's total. Only for a terminal.
 */
export function countRowsInBackground(path: string, format: Format, columns: readonly ColumnDescription[]): RowCount {
  let total: number | undefined;
  let stopped = false;
  let close = (): void => undefined;
  if (path !== '-') {
    void (async () => {
      const input = await openInput(path, new PassThrough(), format, columns, cliNames);
      close = () => input.close();
      let n = 0;
      for await (const row of input.rows) {
        void row;
        if (stopped) return;
        n += 1;
      }
      total = n;
    })().catch(() => undefined); // the run reports the input's problems; the bar then just has no total
  }
  return {
    total: () => total,
    stop() {
      stopped = true;
      close();
    },
  };
}
