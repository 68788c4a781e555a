import t from 'tap';
import { parseIdentifier, parseMessageId } from '../../connectors/respond-io/identifier.js';

t.test('the three identifier forms become encoded path segments', async (t) => {
  t.same(parseIdentifier('id:12345'), { type: 'id', value: '12345', pathSegment: 'id:12345' });
  t.equal(parseIdentifier('phone:+60123456789').pathSegment, 'phone:%2B60123456789', '+ is encoded');
  t.equal(parseIdentifier('email:john.doe+vip@example.com').pathSegment, 'email:john.doe%2Bvip%40example.com');
  t.equal(parseIdentifier('ID:7').pathSegment, 'id:7', 'the prefix is case-insensitive and normalised');
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
  ];
  for (const [input, problem] of cases) {
    t.throws(() => parseIdentifier(input), { name: 'RowError', code: 'RC_INVALID_IDENTIFIER', statusCode: 400, message: /^Identifier / }, JSON.stringify(input));
    t.throws(() => parseIdentifier(input), { message: problem }, `problem named for ${JSON.stringify(input)}`);
  }
  // The message shows control characters escaped, so an error row stays on one line.
  t.throws(() => parseIdentifier('id:1\nx'), { message: /"id:1\\nx"/ });
});

t.test('MessageID must be a positive integer in a string', async (t) => {
  t.equal(parseMessageId('1262965213'), '1262965213');
  t.equal(parseMessageId(42), '42', 'a number is tolerated');
  for (const bad of ['0', '-1', '01', '1.5', 'abc', '', ' 1', '1e3', '9'.repeat(19), null, undefined, 1.5]) {
    t.throws(() => parseMessageId(bad), { name: 'RowError', code: 'RC_INVALID_INPUT_ROW', statusCode: 400, message: /^MessageID must be a positive integer/ }, String(bad));
  }
});
