import { fileURLToPath } from 'node:url';
import t from 'tap';
import { importsOf, sourceEdges, unitCycles, violations, type Edge } from './import-graph.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const sources = ['index.ts', 'servers.ts', 'schemas', 'runtime', 'connectors', 'batch', 'hosts', 'custom-channel', 'simulator'];

t.test('the import reader sees static, re-export, dynamic and side-effect imports, and skips packages', async (t) => {
  const source = [
    "import { a } from './a.js';",
    "import type { B } from '../b.js';",
    "export { c } from './c/index.js';",
    "export type * from '../schemas/generated/row-types.js';",
    "const d = await import('./d.js');",
    "import './e.js';",
    "import got from 'got';",
    "import {\n  f,\n  g,\n} from './fg.js';",
  ].join('\n');
  t.same(importsOf(source), ['./a.js', '../b.js', './c/index.js', '../schemas/generated/row-types.js', './d.js', './e.js', './fg.js']);
});

t.test('the rule: down is allowed; up, sideways and cycles are not', async (t) => {
  const edge = (from: string, to: string): Edge => ({ from, to, specifier: to });
  t.same(violations([edge('hosts/cli/main.ts', 'runtime/plugin.ts'), edge('connectors/get-contact/index.ts', 'connectors/respond-io/client.ts')]), [], 'downward arrows pass');
  t.match(violations([edge('runtime/plugin.ts', 'hosts/http/index.ts')]), [{ why: /runtime \(core\) imports hosts\/http \(HTTP host\), a higher layer/ }], 'a core file importing a host fails');
  t.match(violations([edge('runtime/plugin.ts', 'connectors/index.ts')]), [{ why: /higher layer/ }], 'the core importing the connector list fails');
  t.match(violations([edge('connectors/get-contact/index.ts', 'connectors/get-message/index.ts')]), [{ why: /same layer/ }], 'one connector importing another fails');
  t.match(violations([edge('simulator/app.ts', 'custom-channel/plugin.ts')]), [{ why: /same layer/ }], 'one server importing the other fails');
  t.match(violations([edge('custom-channel/server.ts', 'hosts/cli/args.ts')]), [{ why: /higher layer/ }], 'a server importing the CLI fails');
  t.match(violations([edge('batch/file-batch.ts', 'hosts/cli/io.ts')]), [{ why: /batch \(file batches.*imports hosts\/cli .*a higher layer/ }], 'the files layer importing the CLI fails');
  t.match(violations([edge('runtime/plugin.ts', 'batch/file-batch.ts')]), [{ why: /higher layer/ }], 'the core importing the files layer fails');
  t.match(violations([edge('scratch/x.ts', 'runtime/plugin.ts')]), [{ why: /in no layer/ }], 'a file outside the layers is reported');
  t.same(unitCycles([edge('runtime/a.ts', 'hosts/http/b.ts'), edge('hosts/http/b.ts', 'runtime/c.ts')]), [['hosts/http', 'runtime', 'hosts/http']]);
  t.same(unitCycles([edge('hosts/cli/a.ts', 'hosts/cli/input/b.ts'), edge('hosts/cli/input/b.ts', 'hosts/cli/a.ts')]), [], 'folders inside one unit may import each other');
});

t.test('every source file imports downward only, with no cycle between folders', async (t) => {
  const edges = sourceEdges(root, sources);
  t.ok(edges.length > 200, `the scan found the imports (${edges.length})`);
  const found = violations(edges);
  t.same(found.map((v) => `${v.from}: '${v.specifier}' — ${v.why}`), [], 'no arrow points up or sideways');
  t.same(unitCycles(edges), [], 'no cycle between folders');
});
