/**
 * Writes schemas/generated/row-types.ts from the JSON Schemas of schemas/: the only place the row types come from.
 * Run `npm run gen:types` after changing a schema; test/row-types.test.ts fails while the file is stale.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderRowTypes } from './row-types-render.js';

const target = join(fileURLToPath(new URL('..', import.meta.url)), 'schemas', 'generated', 'row-types.ts');
writeFileSync(target, await renderRowTypes());
console.log(`wrote ${target}`);
