import { readFileSync } from 'node:fs';
import t from 'tap';
import { renderRowTypes } from '../../scripts/row-types-render.js';

t.test('schemas/generated/row-types.ts is what the schemas generate (run `npm run gen:types` after a schema change)', async (t) => {
  const committed = readFileSync(new URL('../../schemas/generated/row-types.ts', import.meta.url), 'utf8');
  t.equal(committed, await renderRowTypes());
});
