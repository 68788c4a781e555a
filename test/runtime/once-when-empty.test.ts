import t from 'tap';
import { onceWhenEmpty } from '../../runtime/once-when-empty.js';

// The rows of a connector without input columns: the source as given, or one empty row when it has none.
const all = async (source: AsyncIterable<unknown>): Promise<unknown[]> => {
  const rows: unknown[] = [];
  for await (const row of source) rows.push(row);
  return rows;
};

t.test('an empty or missing source gives one empty row', async (t) => {
  t.same(await all(onceWhenEmpty([])), [{}]);
  t.same(await all(onceWhenEmpty(undefined)), [{}]);
  t.same(await all(onceWhenEmpty((async function* () {})())), [{}]);
});

t.test('a source with rows is passed through unchanged, with no extra row', async (t) => {
  t.same(await all(onceWhenEmpty([{}, { a: 1 }])), [{}, { a: 1 }]);
  t.same(await all(onceWhenEmpty((async function* () { yield {}; })())), [{}]);
});
