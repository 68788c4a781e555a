import t from 'tap';
import { idString, isoFromUnixSeconds, json, numberOrNull, stringOrNull } from '../../connectors/respond-io/columns.js';
import { contactRow } from '../../connectors/respond-io/contact-row.js';

// The converters from respond.io body values to output columns: a value of an unexpected type becomes null, never a throw.
t.test('stringOrNull and json: strings pass, null and undefined are a null column, any other JSON passes as it is', async (t) => {
  t.equal(stringOrNull('open'), 'open');
  t.equal(stringOrNull(''), '', 'an empty string is a string');
  for (const other of [1, null, undefined, {}, ['a']]) t.equal(stringOrNull(other), null, JSON.stringify(other) ?? 'undefined');
  t.equal(json(undefined), null);
  t.equal(json(null), null);
  t.same(json({ a: [1] }), { a: [1] });
  t.equal(json(0), 0, 'falsy values are values');
  t.equal(json(''), '');
  t.equal(json(false), false);
});

t.test('numberOrNull: safe integers, also as a string of at most 15 digits (optionally negative); nothing else', async (t) => {
  t.equal(numberOrNull(12345), 12345);
  t.equal(numberOrNull(-3), -3);
  t.equal(numberOrNull('12345'), 12345);
  t.equal(numberOrNull('-42'), -42);
  t.equal(numberOrNull('123456789012345'), 123456789012345, '15 digits');
  for (const bad of [1.5, Number.MAX_SAFE_INTEGER + 1, Number.NaN, '1234567890123456', '12a', 'a12', '1.5', '', '+1', '--1', null, undefined, true]) {
    t.equal(numberOrNull(bad), null, String(bad));
  }
});

t.test('idString: a string as it is, a finite number as its decimal string', async (t) => {
  t.equal(idString('abc-1'), 'abc-1');
  t.equal(idString(1262965213), '1262965213');
  t.equal(idString(0), '0');
  for (const bad of [Number.POSITIVE_INFINITY, Number.NaN, null, undefined, {}]) t.equal(idString(bad), null, String(bad));
});

t.test('isoFromUnixSeconds: Unix seconds (a number or a numeric string) → ISO-8601; anything else → null', async (t) => {
  t.equal(isoFromUnixSeconds(1663274081), '2022-09-15T20:34:41.000Z');
  t.equal(isoFromUnixSeconds('1663274081'), '2022-09-15T20:34:41.000Z', 'as a string');
  t.equal(isoFromUnixSeconds('1663274081.25'), '2022-09-15T20:34:41.250Z', 'a fraction in a string');
  t.equal(isoFromUnixSeconds(0), '1970-01-01T00:00:00.000Z');
  for (const bad of [undefined, null, '', 'soon', '1663274081x', '-5', '1.', Number.NaN, Number.POSITIVE_INFINITY, 1e20, {}]) {
    t.equal(isoFromUnixSeconds(bad), null, String(bad));
  }
});

t.test('contactRow: each column from its own key; missing keys are null, extra keys ignored', async (t) => {
  const row = contactRow({
    id: 7, status: 'open', tags: ['vip'], assignee: { id: 2 }, created_at: 1663274081, firstName: 'Ann', lastName: 'Lee', phone: '+601',
    email: 'a@x.com', language: 'en', profilePic: 'https://p.test/a.png', countryCode: 'MY', custom_fields: [{ name: 'k', value: 'v' }], extra: 1,
  } as never);
  t.same(row, {
    StatusCode: 200, Message: null, ID: 7, Status: 'open', Tags: ['vip'], Assignee: { id: 2 }, CreatedAt: '2022-09-15T20:34:41.000Z', FirstName: 'Ann',
    LastName: 'Lee', Phone: '+601', Email: 'a@x.com', Language: 'en', ProfilePictureUrl: 'https://p.test/a.png', CountryCode: 'MY',
    CustomFields: [{ name: 'k', value: 'v' }],
  });
  t.same(Object.values(contactRow({} as never)).filter((value) => value !== null), [200], 'an empty body: only StatusCode is set');
});
