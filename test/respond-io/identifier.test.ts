import t from 'tap';
import { parseIdentifier, parseMessageId } from '../../connectors/respond-io/identifier.js';

t.test('the three identifier forms become encoded path segments', async (t) => {
  t.same(parseIdentifier('id:12345'), { type: 'id', value: '12345', pathSegment: 'id:12345' });
  t.equal(parseIdentifier('phone:+60123456789').pathSegment, 'phone:%2B60123456789', '+ is encoded');
  t.equal(parseIdentifier('email:john.doe+vip@example.com').pathSegment, 'email:john.doe%2Bvip%40example.com');
  t.equal(parseIdentifier('ID:7').pathSegment, 'id:7', 'the prefix is case-insensitive and normalised');
  t.same(parseIdentifier('EMAIL:a@b.co'), { type: 'email', value: 'a@b.co', pathSegment: 'email:a%40b.co' });
  t.equal(parseIdentifier('id:' + '9'.repeat(20)).value, '9'.repeat(20), 'an id of 20 digits');
  t.equal(parseIdentifier('phone:+' + '1'.repeat(15)).value, '+' + '1'.repeat(15), 'a phone of 15 digits (E.164)');
  t.equal(parseIdentifier('email:' + 'a'.repeat(308) + '@x.com').value.length, 314, '320 characters in all: the longest accepted');
});

t.test('anything else is RC_INVALID_IDENTIFIER 400 naming the column and the problem', async (t) => {
  const cases: [input: unknown, problem: RegExp][] = [
    ['', /is empty/],
    ['12345', /no type prefix/],
    ['uid:12', /unknown prefix "uid"/],
    ['id:', /empty id value/],
    ['id:12a', /digits only/],
    ['id:-1', /digits only/],
    ['phone:60123', /'\+' followed by/],
    ['phone:+', /'\+' followed by/],
    ['phone:+60 123', /contains a space/],
    ['email:john', /not an email/],
    ['id:1/../2', /slash/],
    ['email:a..b@x.com', /'\.\.'/],
    ['id:1\r\nX-Evil: 1', /control character/],
    ['id:1\u0000', /control character/],
    [' id:1', /space/],
    ['id:1%2F2', /digits only/],
    [null, /must be a string, got null/],
    [42, /must be a string, got number/],
    ['id:' + '1'.repeat(400), /longer than 320/],
    ['email:' + 'a'.repeat(309) + '@x.com', /longer than 320 characters/],
    ['id:' + '1'.repeat(21), /digits only/],
    ['phone:+' + '1'.repeat(16), /1 to 15 digits/],
    ['phone:+60x', /1 to 15 digits/],
    ['phone:x+60', /1 to 15 digits/],
    ['id:1\u007f', /control character/],
    ['id:1\t2', /control character/],
    ['id:1\\2', /contains a slash/],
    ['email:a@b', /not an email/],
    ['email:@b.co', /not an email/],
    ['email:a@b.', /not an email/],
    ['email:a@@b.co', /not an email/],
    ['email:a@b.co@c.de', /not an email/],
    ['email:a@b:1.co', /not an email/],
    ['phone:', /empty phone value/],
    [':12', /unknown prefix ""/],
    [undefined, /must be a string, got undefined/],
  ];
  for (const [input, problem] of cases) {
    t.throws(() => parseIdentifier(input), { name: 'RowError', code: 'RC_INVALID_IDENTIFIER', statusCode: 400, message: /^Identifier / }, JSON.stringify(input));
    t.throws(() => parseIdentifier(input), { message: problem }, `problem named for ${JSON.stringify(input)}`);
  }
  // The message shows control characters escaped, so an error row stays on one line.
  t.throws(() => parseIdentifier('id:1\nx'), { message: /"id:1\\nx"/ });
  // Long input is cut at 60 characters in the message.
  t.throws(() => parseIdentifier('id:' + '7'.repeat(57) + 'abcdef'), { message: new RegExp(`"id:${'7'.repeat(57)}…": an id must be digits only`) });
  t.throws(() => parseIdentifier('id:' + '7'.repeat(56) + 'x'), { message: new RegExp(`"id:${'7'.repeat(56)}x": an id`) }, '60 characters are shown whole');
  t.throws(() => parseIdentifier('Uid:1'), { message: /unknown prefix "uid" \(expected id:<digits>, email:<address> or phone:\+<digits>\)/ });
});

t.test('MessageID must be a positive integer in a string', async (t) => {
  t.equal(parseMessageId('1262965213'), '1262965213');
  t.equal(parseMessageId(42), '42', 'a number is tolerated');
  t.equal(parseMessageId('9'.repeat(18)), '9'.repeat(18), '18 digits');
  t.throws(() => parseMessageId(' 7'), { message: /got " 7"$/ }, 'a string is shown quoted');
  t.throws(() => parseMessageId(null), { message: /got null$/ });
  t.throws(() => parseMessageId({}), { message: /got object$/ });
  t.throws(() => parseMessageId(2 ** 60), { message: /got number$/ }, 'a number past the safe integers');
  for (const bad of ['0', '-1', '01', '1.5', 'abc', '', ' 1', '1e3', '9'.repeat(19), null, undefined, 1.5]) {
    t.throws(() => parseMessageId(bad), { name: 'RowError', code: 'RC_INVALID_INPUT_ROW', statusCode: 400, message: /^MessageID must be a positive integer/ }, String(bad));
  }
});
