import t from 'tap';
import { cli } from './harness.js';

t.test('describe prints each connector with badges, settings and aligned column tables', async (t) => {
  const { code, stdout, stderr } = await cli(['describe']);
  t.equal(code, 0, "exit 0", { stderr });
  t.match(stdout, /^Fake - Get Contact {2}\(fake-contact\)$/m);
  t.match(stdout, /Version 1\.0 \(1\.0\.0\) · Agent restriction: None · Processing type: Row by row · Multi-input step: Not supported/);
  // The Token is flagged secret; the Error behavior lists its three values, the kebab spelling and the default.
  t.match(stdout, /^ {4}Token +string +required, secret +Uses to authorize/m);
  t.match(stdout, /^ {6}Fail and return response +fail-and-return-response +\(default\)/m);
  t.match(stdout, /^ {6}Do not fail and return response +do-not-fail-and-return-response +The connector does not fail/m);
  t.match(stdout, /Input: Respond\.io - Get Contact Request 1\.0\.0\n {4}Column +Data type +Allow null +Description\n {4}Identifier +String +No +Identifier of the contact/);
  // Aligned: every row of the output table starts its Data type cell at the same column as the header's.
  const output = stdout.slice(stdout.indexOf('Output:'));
  const header = output.split('\n')[1] ?? '';
  const typeColumn = header.indexOf('Data type');
  for (const [column, type] of <[string, string][]>[['StatusCode', 'Integer'], ['Tags', 'JSON v1.0.0'], ['CreatedAt', 'DateTime'], ['Message', 'String']]) {
    const line = output.split('\n').find((l) => l.trimStart().startsWith(`${column} `)) ?? '';
    t.equal(line.indexOf(type), typeColumn, `${column}'s type is aligned under "Data type"`);
  }
  t.match(output, /^ {4}ID +Integer +Yes +Contact ID$/m);
  t.match(output, /^ {4}StatusCode +Integer +No /m);
});

t.test('describe <connector> --json prints the resolved description with id and name', async (t) => {
  for (const name of ['fake-contact', 'Fake - Get Contact']) {
    const { code, stdout } = await cli(['describe', name, '--json']);
    t.equal(code, 0);
    const description = JSON.parse(stdout) as Record<string, any>;
    t.equal(description.id, 'fake-contact');
    t.equal(description.name, 'Fake - Get Contact');
    t.same(description.configuration.Connection.secretFields, ['Token']);
    // Resolved: the JSON column's $ref to the JSON type is inlined, so a client needs no registry.
    t.notMatch(JSON.stringify(description.output.schema), /"\$ref":"urn:/);
    t.equal(description.output.columns.find((c: { name: string }) => c.name === 'Tags').dataType, 'JSON v1.0.0');
  }
});

t.test('describe --json without a connector prints an array of every connector', async (t) => {
  const { code, stdout } = await cli(['describe', '--json']);
  t.equal(code, 0);
  const list = JSON.parse(stdout) as { id: string; name: string }[];
  t.same(list.map((c) => [c.id, c.name]), [['fake-contact', 'Fake - Get Contact']]);
});

t.test('describe of an unknown connector is a configuration error (exit 2) listing the known ones', async (t) => {
  const { code, stdout, stderr } = await cli(['describe', 'nope']);
  t.equal(code, 2);
  t.equal(stdout, '');
  t.match(stderr, /RC_UNKNOWN_CONNECTOR: unknown connector "nope"; known: fake-contact \(Fake - Get Contact\)/);
});

t.test('describe --help and a stray flag', async (t) => {
  const help = await cli(['describe', '--help']);
  t.equal(help.code, 0);
  t.match(help.stdout, /^Usage: respondio-connectors describe \[connector\] \[--json\]/);
  const bad = await cli(['describe', '--yaml']);
  t.equal(bad.code, 2);
  t.match(bad.stderr, /unknown flag --yaml; known flags: --json, --help \(-h\)/);
});
