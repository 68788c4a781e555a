import type { Row } from '../connector.js';
import type { ConfigurationError, RowError } from '../errors.js';

/**
 * How one input row ended. `ok` carries the row of a connector that answered with one row; a connector that
 * yields rows hands them through its slot first and ends with `ok` and no row.
 */
export type Outcome =
  | { kind: 'ok'; row?: Row }
  | { kind: 'failed'; error: RowError }
  | { kind: 'fatal'; error: ConfigurationError }
  | { kind: 'skipped' };

/** What an input row settled as, for `RunHandle.events()` (a checkpoint commits input rows from these). */
export type SettledAs = 'ok' | 'error-row' | 'dropped';

export type PipelineEvent =
  | { type: 'row'; input: number; row: Row }
  | { type: 'settled'; input: number; outcome: SettledAs };
