import { readFileSync } from 'node:fs';
import t from 'tap';
import { errorCodes } from '../../runtime/error-codes.js';

t.test('every error code is documented in the README table, with its kind', async (t) => {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  for (const [code, { kind }] of Object.entries(errorCodes)) {
    t.match(readme, new RegExp(`\\| \`${code}\` \\| ${kind} \\|`), code);
  }
});
