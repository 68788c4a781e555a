import t from 'tap';
import { defaultErrorBehavior, errorBehaviors, parseErrorBehavior } from '../../runtime/error-behavior.js';
import { fakePlugin, TEST_TOKEN } from '../helpers/fake-connector.js';

// Invariant 5: configuration errors stop the run before the first row, in every setting, with a clear error.
const rows = [{ Identifier: 'id:1' }];

for (const behavior of errorBehaviors) {
  t.test(`configuration errors are thrown before any row is read · ${behavior}`, async (t) => {
    const calls: string[] = [];
    const plugin = fakePlugin({ calls });
    const settings = { 'Error behavior': behavior };
    t.throws(() => plugin.run({ connector: 'nope', rows, connection: { Token: TEST_TOKEN }, settings }), { code: 'RC_UNKNOWN_CONNECTOR', message: /unknown connector "nope"; known: fake-contact/ });
    t.throws(() => plugin.run({ connector: 'fake-contact', rows, connection: {}, settings }), { code: 'RC_INVALID_CONNECTION', message: /Connection field 'Token' is missing/ });
    t.throws(() => plugin.run({ connector: 'fake-contact', rows, connection: { Token: '' }, settings }), { code: 'RC_INVALID_CONNECTION' });
    t.throws(() => plugin.run({ connector: 'fake-contact', rows, connection: { Token: TEST_TOKEN, 'Base URL': 'ftp://x' }, settings }), { code: 'RC_INVALID_CONNECTION', message: /Base URL/ });
    t.throws(() => plugin.run({ connector: 'fake-contact', rows, connection: { Token: TEST_TOKEN }, settings: { ...settings, Colour: 'red' } }), { code: 'RC_INVALID_SETTINGS', message: /setting 'Colour' is not part of the schema/ });
    t.throws(() => plugin.run({ connector: 'fake-contact', rows, connection: { Token: TEST_TOKEN }, settings, concurrency: 0 }), { code: 'RC_INVALID_OPTION', message: /concurrency must be an integer from 1 to 256, got 0/ });
    t.throws(() => plugin.run({ connector: 'fake-contact', inputs: [rows, rows], connection: { Token: TEST_TOKEN }, settings }), { code: 'RC_MULTI_INPUT_UNSUPPORTED', message: /not a multi-input step: it takes exactly one input, 2 were given/ });
    t.same(calls, [], 'no row was processed');
  });
}

t.test('Error behavior accepts the seed spelling and kebab-case, and lists the allowed values otherwise', async (t) => {
  const plugin = fakePlugin();
  for (const value of ['Do not fail and return response', 'do-not-fail-and-return-response']) {
    const { result } = await plugin.run({ connector: 'Fake - Get Contact', rows, connection: { Token: TEST_TOKEN }, settings: { 'Error behavior': value } }).collect();
    t.equal(result.errorBehavior, 'Do not fail and return response');
  }
  t.throws(() => plugin.run({ connector: 'fake-contact', rows, connection: { Token: TEST_TOKEN }, settings: { 'Error behavior': 'Ignore' } }), {
    code: 'RC_INVALID_SETTINGS',
    message: /"Ignore" is not one of "Fail and return response" \(fail-and-return-response\), "Fail without response" \(fail-without-response\), "Do not fail and return response" \(do-not-fail-and-return-response\)/,
  });
  const { result } = await plugin.run({ connector: 'fake-contact', rows, connection: { Token: TEST_TOKEN } }).collect();
  t.equal(result.errorBehavior, 'Fail and return response', 'the default');
});

t.test('parseErrorBehavior: unset is the default; the seed spelling or kebab-case in any case, trimmed; nothing else', async (t) => {
  t.equal(defaultErrorBehavior, 'Fail and return response');
  for (const unset of [undefined, null, '']) t.equal(parseErrorBehavior(unset), 'Fail and return response', `${JSON.stringify(unset)} is unset`);
  t.equal(parseErrorBehavior('Fail without response'), 'Fail without response');
  t.equal(parseErrorBehavior('fail-without-response'), 'Fail without response');
  t.equal(parseErrorBehavior(' Do-Not-Fail-And-Return-Response '), 'Do not fail and return response', 'trimmed, any case');
  t.equal(parseErrorBehavior('FAIL-AND-RETURN-RESPONSE'), 'Fail and return response');
  for (const bad of ['fail without response', 'fail', 'Fail-without response', 0, true, {}]) {
    t.throws(() => parseErrorBehavior(bad), { code: 'RC_INVALID_SETTINGS', message: /is not one of "Fail and return response" \(fail-and-return-response\)/ }, JSON.stringify(bad));
  }
});

t.test('a configuration error never quotes the token', async (t) => {
  const plugin = fakePlugin();
  // The token is put where a value is quoted back: the Base URL field, which then fails its format.
  let message = '';
  try {
    plugin.run({ connector: 'fake-contact', rows, connection: { Token: TEST_TOKEN, 'Base URL': TEST_TOKEN } });
  } catch (error) {
    message = (error as Error).message;
  }
  t.match(message, /Base URL/);
  t.notOk(message.includes(TEST_TOKEN), message);
});
