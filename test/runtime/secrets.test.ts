import t from 'tap';
import type { NamedSchema } from '../../runtime/schema-registry.js';
import { redactor, secretValues } from '../../runtime/secrets.js';

const schema: NamedSchema = {
  $id: 'urn:test:connection',
  title: 'Connection',
  'x-version': '1.0.0',
  properties: { Token: { type: 'string', 'x-secret': true }, 'Base URL': { type: 'string' }, Key: { type: 'string', 'x-secret': 'yes' }, Pin: { 'x-secret': true } },
};

t.test('secretValues: the non-empty strings of the fields flagged x-secret: true, nothing else', async (t) => {
  t.same(secretValues(schema, { Token: 'tok-123456', 'Base URL': 'https://x.test', Key: 'not-flagged-true', Pin: 1234 }), ['tok-123456']);
  t.same(secretValues(schema, { Token: '', 'Base URL': 'b' }), [], 'an empty token is no secret to look for');
  t.same(secretValues({ ...schema, properties: { A: { 'x-secret': true }, B: { 'x-secret': true } } }, { A: 'aaaa', B: 'bbbb' }), ['aaaa', 'bbbb']);
  t.same(secretValues({ $id: 'urn:test:none', title: 'None', 'x-version': '1.0.0' }, { Token: 'tok' }), [], 'a schema without properties');
});

t.test('redactor: every occurrence of every secret of 4 characters or more; shorter ones would blank ordinary words', async (t) => {
  const redact = redactor(['abcd', 'tok-99', 'xy']);
  t.equal(redact('abcd then tok-99 then abcdabcd'), '[REDACTED] then [REDACTED] then [REDACTED][REDACTED]');
  t.equal(redact('xy stays: xyz'), 'xy stays: xyz', 'a 2-character secret is not searched for');
  t.equal(redactor(['abc'])('abc'), 'abc', '3 characters: not searched for');
  t.equal(redactor([])('tok-99'), 'tok-99', 'no secrets: the text as is');
});
