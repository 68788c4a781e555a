/**
 * Writes connectors/<id>/README.md for every connector of manifest.json (scripts/connector-page.ts). Run
 * `npm run docs` after changing the manifest, a schema or a notes.md; test/docs/connector-pages.test.ts fails while a
 * page is stale.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../runtime/package-root.js';
import { connectorPages } from './connector-page.js';

for (const [path, content] of connectorPages()) {
  writeFileSync(join(packageRoot(), path), content);
  console.log(`wrote ${path}`);
}
