/**
 * The rows of a resumed run: the first `skip` rows of the reader (rows an earlier leg committed) are read and dropped
 * as they stream by, never held.
 */
export async function* skipRows(rows: AsyncIterable<unknown>, skip: number): AsyncGenerator<unknown> {
  let n = 0;
  for await (const row of rows) {
    n += 1;
    if (n > skip) yield row;
  }
}
