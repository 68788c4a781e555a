import { readFileSync } from 'node:fs';
import t from 'tap';
import { connectorPages } from '../../scripts/connector-page.js';
import { loadPlugin } from '../../connectors/index.js';
import { readManifest } from '../../runtime/manifest.js';
import { SchemaRegistry } from '../../runtime/schema-registry.js';
import { startSimulator } from '../../simulator/index.js';

const root = new URL('../../', import.meta.url);
const read = (path: string): string => readFileSync(new URL(path, root), 'utf8');
const registry = SchemaRegistry.load();
const pages = connectorPages();

t.test('every connector page is what `npm run docs` generates (run it after changing manifest, schemas or notes.md)', async (t) => {
  t.same([...pages.keys()].sort(), readManifest(registry).connectors.map((c) => `connectors/${c.id}/README.md`).sort());
  for (const [path, content] of pages) t.equal(read(path), content, path);
});

t.test('a page shows what `describe` shows: badges, every column of input, output and each nested schema', async (t) => {
  const plugin = await loadPlugin();
  for (const description of plugin.listConnectors()) {
    const page = pages.get(`connectors/${description.id}/README.md`) ?? '';
    t.ok(page.includes(`| ${description.versionBadge} | ${description.badges.agentRestriction} | ${description.badges.processingType} | ${description.badges.multiInputStep} |`), `${description.id} badges`);
    for (const schema of [description.input, description.output, ...description.nestedSchemas]) {
      t.ok(page.includes(`${schema.name} (ver. ${schema.version})`), `${description.id}: ${schema.name} heading`);
      for (const c of schema.columns) {
        t.ok(page.includes(`| ${c.name} | ${c.dataType} | ${c.allowNull ? 'Yes' : 'No'} |`), `${description.id}: ${schema.name} ${c.name}`);
      }
    }
    t.ok(page.includes(`\`${description.api.method} ${description.api.path}\``), `${description.id} endpoint`);
    t.ok(page.indexOf('## Release notes') > page.indexOf('## Retries'), `${description.id}: release notes last, as on Integray's pages`);
  }
});

t.test('the pages of the family connectors render nested schemas, their endpoint and the No Input schema', async (t) => {
  const expectations: Record<string, string[]> = {
    'list-contacts': ['`POST /contact/list`', '5 requests per second', 'Respond.io - Filters (ver. 1.2.0)', 'Respond.io - Filter (ver. 1.2.0)', '| Filters | Respond.io - Filters v1.2.0 | Yes |', 'JSON (ver. 1.0.0)'],
    'create-or-update-contact': ['`POST /contact/create_or_update/{identifier}`', 'The call is idempotent', 'Respond.io - Custom Field (ver. 1.0.0)', '| CustomFields | List of Respond.io - Custom Field v1.0.0 | Yes |', '| ContactID | Integer | Yes |'],
    'list-users': ['`GET /space/user`', 'Respond.io - No Input (ver. 1.0.0)', 'Respond.io - List Users Item (ver. 1.0.0)'],
  };
  for (const [id, needles] of Object.entries(expectations)) {
    const page = read(`connectors/${id}/README.md`);
    for (const needle of needles) t.ok(page.includes(needle), `${id}: ${needle}`);
  }
});

/** The fenced ```json example-input / example-output blocks of a notes.md, paired in order (one JSON value a line or several lines). */
function examples(notes: string): { input: unknown[]; output: unknown[] }[] {
  const blocks = [...notes.matchAll(/```json example-(input|output)\n([\s\S]*?)```/g)].map((m) => ({ kind: m[1], values: parseValues(m[2] ?? '') }));
  const pairs: { input: unknown[]; output: unknown[] }[] = [];
  for (let index = 0; index + 1 < blocks.length; index += 2) {
    if (blocks[index]?.kind !== 'input' || blocks[index + 1]?.kind !== 'output') throw new Error('example blocks must come as input, output');
    pairs.push({ input: blocks[index]?.values ?? [], output: blocks[index + 1]?.values ?? [] });
  }
  return pairs;
}

/** Consecutive JSON values, each possibly spread over several lines. */
function parseValues(text: string): unknown[] {
  const values: unknown[] = [];
  let buffer = '';
  for (const line of text.split('\n')) {
    buffer += `${line}\n`;
    try {
      values.push(JSON.parse(buffer));
      buffer = '';
    } catch {
      // not a whole value yet
    }
  }
  if (buffer.trim() !== '') throw new Error(`unparsable example: ${buffer}`);
  return values;
}

t.test('the examples of the pages run against the simulator\'s default seed and give the rows they show', async (t) => {
  const sim = await startSimulator();
  t.teardown(() => sim.close());
  const plugin = await loadPlugin();
  let ran = 0;
  for (const connector of plugin.listConnectors()) {
    const page = pages.get(`connectors/${connector.id}/README.md`) ?? '';
    for (const example of examples(page)) {
      const run = plugin.run({
        connector: connector.id,
        connection: { Token: sim.token, 'Base URL': sim.baseUrl },
        settings: { 'Error behavior': 'Do not fail and return response' },
        rows: example.input as Record<string, unknown>[],
      });
      const { rows } = await run.collect();
      t.same(rows, example.output, `${connector.id}: ${JSON.stringify(example.input)}`);
      ran += 1;
    }
  }
  t.ok(ran >= 3, `${ran} examples ran`);
});
