import t from 'tap';
import { builtInConnectors } from '../../connectors/index.js';
import { readManifest } from '../../runtime/manifest.js';
import { SchemaRegistry } from '../../runtime/schema-registry.js';

// The seed pages' tables, transcribed by hand from ../shared/seeds/000 and 001: the schemas must say the same.
type SeedColumn = [column: string, dataType: string, allowNull: boolean];
const seedTables: Record<string, SeedColumn[]> = {
  'Respond.io - Get Message Request 1.0': [
    ['Identifier', 'String', false],
    ['MessageID', 'String', false],
  ],
  'Respond.io - Get Message Response 1.1.0': [
    ['StatusCode', 'Integer', false],
    ['MessageID', 'String', true],
    ['Message', 'String', true],
    ['ChannelMessageID', 'String', true],
    ['ContactID', 'Integer', true],
    ['ChannelID', 'Integer', true],
    ['Traffic', 'String', true],
    ['MessageDetail', 'JSON v1.0.0', true],
    ['DeliveryStatuses', 'JSON v1.0.0', true],
  ],
  'Respond.io - Get Contact Request 1.0.0': [['Identifier', 'String', false]],
  'Respond.io - Get Contact Response 1.1.0': [
    ['StatusCode', 'Integer', false],
    ['Message', 'String', true],
    ['ID', 'Integer', true],
    ['Status', 'String', true],
    ['Tags', 'JSON v1.0.0', true],
    ['Assignee', 'JSON v1.0.0', true],
    ['CreatedAt', 'DateTime', true],
    ['FirstName', 'String', true],
    ['LastName', 'String', true],
    ['Phone', 'String', true],
    ['Email', 'String', true],
    ['Language', 'String', true],
    ['ProfilePictureUrl', 'String', true],
    ['CountryCode', 'String', true],
    ['CustomFields', 'JSON v1.0.0', true],
  ],
};

const registry = SchemaRegistry.load();
const manifest = readManifest(registry);

t.test('every schema equals its seed table: columns, order, data types, Allow null', async (t) => {
  for (const [key, columns] of Object.entries(seedTables)) {
    const [, name, version] = /^(.*) (\S+)$/.exec(key) ?? [];
    const actual = registry.columns(name as string, version as string).map((c): SeedColumn => [c.name, c.dataType, c.allowNull]);
    t.same(actual, columns, key);
  }
});

t.test('JSON 1.0.0 accepts any JSON value but null; nullable JSON columns accept null too', async (t) => {
  const json = registry.get('JSON', '1.0.0').validate;
  for (const value of [1, 'x', true, [], {}, [{ a: null }]]) t.ok(json(value), JSON.stringify(value));
  t.notOk(json(null));
  const response = registry.get('Respond.io - Get Contact Response', '1.1.0').validate;
  const row = { StatusCode: 200, Message: null, ID: 1, Status: null, Tags: null, Assignee: { id: 1 }, CreatedAt: null, FirstName: null, LastName: null, Phone: null, Email: null, Language: null, ProfilePictureUrl: null, CountryCode: null, CustomFields: null };
  t.ok(response(row));
  t.notOk(response({ ...row, CreatedAt: '15 Sep 2022' }), 'DateTime must be ISO-8601');
  t.notOk(response({ ...row, StatusCode: null }), 'StatusCode does not allow null');
  t.notOk(response({ ...row, Extra: 1 }), 'an output row has exactly the schema columns');
});

t.test('every manifest reference resolves and every manifest connector has a module, and vice versa', async (t) => {
  const moduleIds = builtInConnectors.map((c) => c.id).sort();
  t.same(manifest.connectors.map((c) => c.id).sort(), moduleIds);
  for (const connector of manifest.connectors) {
    for (const ref of [connector.input, connector.output, connector.configuration.Connection.schema, connector.configuration.Settings.schema]) {
      t.ok(registry.has(ref.name, ref.version), `${connector.id}: ${ref.name} ${ref.version}`);
    }
  }
});

t.test('the seed connectors carry the badges, settings and status codes of their pages', async (t) => {
  const byName = new Map(manifest.connectors.map((c) => [c.name, c]));
  for (const [name, input, output] of [
    ['Respond.io - Get Message', 'Respond.io - Get Message Request 1.0', 'Respond.io - Get Message Response 1.1.0'],
    ['Respond.io - Get Contact', 'Respond.io - Get Contact Request 1.0.0', 'Respond.io - Get Contact Response 1.1.0'],
  ] as const) {
    const c = byName.get(name);
    if (!c) {
      t.fail(`${name} missing`);
      continue;
    }
    t.match(c, { agentRestriction: 'None', processingType: 'Row by row', multiInputStep: 'Not supported' });
    t.equal(c.version.split('.').slice(0, 2).join('.'), '3.0', 'version badge 3.0');
    t.equal(`${c.input.name} ${c.input.version}`, input);
    t.equal(`${c.output.name} ${c.output.version}`, output);
    t.same(c.statusCodes.map((s) => s.code), [200, 400, 500]);
    const settings = registry.get(c.configuration.Settings.schema.name, c.configuration.Settings.schema.version).schema;
    t.same((settings.properties?.['Error behavior'] as { enum: string[] }).enum, ['Fail and return response', 'Fail without response', 'Do not fail and return response']);
    const connection = registry.get(c.configuration.Connection.schema.name, c.configuration.Connection.schema.version).schema;
    t.equal(connection.properties?.Token?.['x-secret'], true, 'Token is flagged secret');
  }
});
