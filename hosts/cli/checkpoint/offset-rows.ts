import type { Logger } from '../../../runtime/logger.js';

/**
 * A resumed leg's log with input row numbers of the whole file: the pipeline numbers the leg's rows from 1 until it
 * takes the first row's number, so `row` fields and a leading "row N" are moved by the rows skipped.
 */
export function offsetRows(logger: Logger, skip: number): Logger {
  if (skip === 0) return logger;
  const shift =
    (level: keyof Logger) =>
    (object: object, message?: string): void => {
      const { row } = object as { row?: unknown };
      if (typeof row !== 'number') return logger[level](object, message);
      logger[level]({ ...object, row: row + skip }, message?.replace(/^row \d+/, `row ${row + skip}`));
    };
  return { debug: shift('debug'), info: shift('info'), warn: shift('warn'), error: shift('error') };
}
