import type { RowSource } from './pipeline.js';

/**
 * The rows of a connector whose input schema has no columns (List Users): the source as given, or one empty row
 * when the source yields none (or none was given), so that such a connector runs once per row, and once when the
 * step before it produced nothing. Decided from the input schema, not from a connector id.
 */
export async function* onceWhenEmpty(source: RowSource | undefined): AsyncGenerator<unknown> {
  let any = false;
  if (source !== undefined) {
    for await (const row of source as AsyncIterable<unknown>) {
      any = true;
      yield row;
    }
  }
  if (!any) yield {};
}
