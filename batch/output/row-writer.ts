import type { Row } from '../../runtime/connector.js';

/** Turns output rows into text in one format: a header (maybe), one piece per row, a footer (maybe). */
export interface RowFormatter {
  header(): string;
  row(row: Row): string;
  footer(): string;
}
