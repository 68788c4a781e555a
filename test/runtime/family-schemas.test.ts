import t from 'tap';
import { schemaIssues } from '../../runtime/schema-issues.js';
import { SchemaRegistry } from '../../runtime/schema-registry.js';

// The confirmed rows of ../shared/spec/integray-respondio-family.md (sections 2.3–2.5), transcribed by hand. Where the
// spec marks a table [unconfirmed] after some rows, only the rows it shows are listed: the schema may add more.
type SpecColumn = [column: string, dataType: string, allowNull: boolean];
const confirmed: [schema: string, columns: SpecColumn[], complete: boolean][] = [
  ['Respond.io - List Contacts Request 1.2.0', [
    ['Search', 'String', true],
    ['Timezone', 'String', true],
    ['Filters', 'Respond.io - Filters v1.2.0', true],
  ], true],
  // The page shows the type name only; respond.io takes a list under $and / $or, so the columns are lists of it.
  ['Respond.io - Filters 1.2.0', [
    ['FilterAnd', 'List of Respond.io - Filter v1.2.0', true],
    ['FilterOr', 'List of Respond.io - Filter v1.2.0', true],
  ], true],
  ['Respond.io - Filter 1.2.0', [['Category', 'String', false]], false],
  ['Respond.io - List Users Response 1.0.0', [
    ['StatusCode', 'Integer', false],
    ['Message', 'String', true],
    ['Items', 'Respond.io - List Users Item v1.0.0', true],
  ], true],
  ['Respond.io - List Users Item 1.0.0', [
    ['ID', 'Integer', false],
    ['FirstName', 'String', true],
    ['LastName', 'String', true],
    ['Email', 'String', true],
    ['Role', 'String', true],
    ['Team', 'Respond.io - List Users Team v1.0.0', true],
  ], false],
  ['Respond.io - Create Or Update Contact Request 1.0.0', [
    ['Identifier', 'String', false],
    ['FirstName', 'String', false],
    ['LastName', 'String', true],
    ['Phone', 'String', true],
    ['Email', 'String', true],
    ['Language', 'String', true],
    ['ProfilePictureUrl', 'String', true],
    ['CountryCode', 'String', true],
  ], false],
];

const registry = SchemaRegistry.load();
const split = (key: string): [string, string] => {
  const [, name, version] = /^(.*) (\S+)$/.exec(key) ?? [];
  return [name as string, version as string];
};

t.test('the new schemas show the spec\'s confirmed columns, in order, with type and Allow null', async (t) => {
  for (const [key, columns, complete] of confirmed) {
    const actual = registry.columns(...split(key)).map((c): SpecColumn => [c.name, c.dataType, c.allowNull]);
    t.same(complete ? actual : actual.slice(0, columns.length), columns, key);
    for (const column of registry.columns(...split(key))) t.not(column.description, '', `${key} ${column.name} has a description`);
  }
});

t.test('the family\'s output pattern: StatusCode then Message; List Contacts rows carry Get Contact\'s columns', async (t) => {
  for (const key of ['Respond.io - List Contacts Response 1.0.0', 'Respond.io - List Users Response 1.0.0', 'Respond.io - Create Or Update Contact Response 1.0.0']) {
    t.same(registry.columns(...split(key)).slice(0, 2).map((c) => [c.name, c.allowNull]), [['StatusCode', false], ['Message', true]], key);
  }
  const listed = registry.columns('Respond.io - List Contacts Response', '1.0.0');
  const single = registry.columns('Respond.io - Get Contact Response', '1.1.0');
  t.same(listed.map((c) => [c.name, c.dataType, c.allowNull]), single.map((c) => [c.name, c.dataType, c.allowNull]));
  t.same(registry.columns('Respond.io - Create Or Update Contact Response', '1.0.0').map((c) => c.name), ['StatusCode', 'Message', 'ContactID']);
});

t.test('Create Or Update Contact Request: FirstName not null, ISO codes and custom fields checked before any call', async (t) => {
  const { validate } = registry.get('Respond.io - Create Or Update Contact Request', '1.0.0');
  const row = { Identifier: 'email:ann@example.com', FirstName: 'Ann', Language: 'ms', CountryCode: 'MY', CustomFields: [{ name: 'order_id', value: 'A-1' }, { name: 'points', value: 3 }] };
  t.ok(validate(row), 'a full row');
  t.ok(validate({ Identifier: 'id:1001', FirstName: 'Ann', Language: null, CountryCode: null, CustomFields: null }), 'nullable columns take null');
  const problems = (value: unknown): string[] => (validate(value) ? [] : schemaIssues(validate.errors).map((issue) => `${issue.path.join('.')} ${issue.problem}`));
  t.match(problems({ ...row, FirstName: null }), [/^FirstName must be string/]);
  t.match(problems({ ...row, FirstName: undefined }), [/^FirstName is required/]);
  t.match(problems({ ...row, Language: 'EN' }), [/^Language must be an ISO 639-1 language code.*got "EN"/]);
  t.match(problems({ ...row, Language: 'english' }), [/^Language must be an ISO 639-1/]);
  t.match(problems({ ...row, CountryCode: 'XX' }), [/^CountryCode must be an ISO 3166-1 alpha-2 country code.*got "XX"/]);
  t.match(problems({ ...row, CountryCode: 'my' }), [/^CountryCode must be an ISO 3166-1/]);
  t.match(problems({ ...row, CustomFields: [{ value: 1 }] }), [/^CustomFields\.0\.name is required/]);
  t.match(problems({ ...row, CustomFields: [{ name: 'x', value: { a: 1 } }] }), [/^CustomFields\.0\.value must be string or number or boolean or null/]);
  // Every officially assigned code and nothing else: 183 languages, 249 countries.
  const spec = registry.get('Respond.io - Create Or Update Contact Request', '1.0.0').schema.properties ?? {};
  t.equal((spec.Language?.enum as unknown[]).filter((code) => code !== null).length, 183);
  t.equal((spec.CountryCode?.enum as unknown[]).filter((code) => code !== null).length, 249);
});

t.test('List Contacts filters: conditions in the shape respond.io takes, nested schemas in reading order', async (t) => {
  const { validate } = registry.get('Respond.io - List Contacts Request', '1.2.0');
  const condition = { Category: 'contactField', Field: 'assigneeUserId', Operator: 'isEqualTo', Value: null };
  t.ok(validate({ Search: 'john', Timezone: null, Filters: { FilterAnd: [condition], FilterOr: null } }));
  t.ok(validate({ Filters: { FilterOr: [{ Category: 'contactTag', Field: null, Operator: 'hasAnyOf', Value: ['vip'] }] } }));
  t.ok(validate({}), 'every column may be left out');
  t.notOk(validate({ Filters: { FilterAnd: [{ ...condition, Category: 'tag' }] } }), 'an unknown category');
  t.notOk(validate({ Filters: { FilterAnd: [{ ...condition, Operator: 'equals' }] } }), 'an unknown operator');
  t.notOk(validate({ Filters: { FilterAnd: condition } }), 'FilterAnd is a list');
  t.same(registry.nestedSchemas('Respond.io - List Contacts Request', '1.2.0').map((s) => s.title), ['Respond.io - Filters', 'Respond.io - Filter', 'JSON']);
  t.same(registry.nestedSchemas('Respond.io - List Users Response', '1.0.0').map((s) => s.title), ['Respond.io - List Users Item', 'Respond.io - List Users Team']);
});

t.test('List Users rows: one user per row in Items; an error row has Items null', async (t) => {
  const { validate } = registry.get('Respond.io - List Users Response', '1.0.0');
  const user = { ID: 123, FirstName: 'John', LastName: 'Wick', Email: 'test@example.com', Role: 'agent', Team: { ID: 1, Name: 'Support' }, Restrictions: ['restrict_data_export'] };
  t.ok(validate({ StatusCode: 200, Message: null, Items: user }));
  t.ok(validate({ StatusCode: 200, Message: null, Items: { ...user, Team: null, Restrictions: null } }));
  t.ok(validate({ StatusCode: 500, Message: 'Server error', Items: null }));
  t.notOk(validate({ StatusCode: 200, Message: null, Items: [user] }), 'Items is one user, not a list');
  t.notOk(validate({ StatusCode: 200, Message: null, Items: { ...user, ID: null } }), 'a user always has an ID');
});
