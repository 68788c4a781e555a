import nock from 'nock';
import t from 'tap';
import { loadPlugin } from '../../connectors/index.js';
import { defaultRowLimits, rowLimitProblem } from '../../runtime/row-limits.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { api, BASE_URL, messageBody, TOKEN } from '../respond-io/fixtures.js';

const nested = (depth: number): unknown => {
  let value: unknown = 'bottom';
  for (let i = 0; i < depth; i += 1) value = { next: value };
  return value;
};

t.test('rowLimitProblem names the column and the limit, walks 100,000 levels without recursion', async (t) => {
  t.equal(rowLimitProblem({ StatusCode: 200, Tags: ['vip'], FirstName: 'Jane', Assignee: nested(defaultRowLimits.maxDepth) }), undefined, 'within every limit: 64 levels');
  t.equal(rowLimitProblem({ MessageDetail: nested(defaultRowLimits.maxDepth + 1) }), "column 'MessageDetail' is nested more than 64 levels deep");
  t.equal(rowLimitProblem({ MessageDetail: nested(100_000) }), "column 'MessageDetail' is nested more than 64 levels deep");
  t.equal(rowLimitProblem({ Tags: Array.from({ length: 400_000 }, () => 'x') }), "column 'Tags' is more than 1,048,576 characters of JSON, the most a row may carry");
  t.equal(rowLimitProblem({ FirstName: 'x'.repeat(65_537) }), "column 'FirstName' is 65,537 characters long, more than the 65,536 a row may carry");
  t.equal(rowLimitProblem({ FirstName: 'x'.repeat(65_536) }), undefined, 'the limit itself is allowed');
  t.equal(rowLimitProblem({ CustomFields: [{ name: 'x', value: 'y'.repeat(1_048_576) }] }), "column 'CustomFields' is more than 1,048,576 characters of JSON, the most a row may carry");
});

t.test('an upstream answer nested 100,000 levels deep fails its row only; the run goes on and every row can be written', async (t) => {
  nock.disableNetConnect();
  t.teardown(() => nock.enableNetConnect());
  // Written as text: JSON.stringify itself cannot serialize 100,000 levels (that is the crash this prevents).
  const deep = JSON.stringify(messageBody).replace('{"type":"text","text":"Hello!"}', `${'{"next":'.repeat(100_000)}"bottom"${'}'.repeat(100_000)}`);
  const scope = api()
    .get('/v2/contact/id:1/message/1').reply(200, deep, { 'content-type': 'application/json' })
    .get('/v2/contact/id:1/message/2').reply(200, messageBody);
  const plugin = await loadPlugin();
  const { rows, result } = await plugin
    .run({
      connector: 'get-message',
      rows: [{ Identifier: 'id:1', MessageID: '1' }, { Identifier: 'id:1', MessageID: '2' }],
      connection: { Token: TOKEN, 'Base URL': BASE_URL },
      settings: { 'Error behavior': 'Do not fail and return response' },
      connectorOptions: { clock: new FakeClock({ autoAdvance: true }) },
    })
    .collect();
  scope.done();
  t.match(rows[0], { StatusCode: 500, Message: /column 'MessageDetail' is nested more than 64 levels deep/, MessageDetail: null });
  t.match(rows[1], { StatusCode: 200, MessageID: String(messageBody.messageId) });
  t.match(result, { status: 'succeeded with errors', rowsRead: 2, rowsEmitted: 2, errorRows: 1 });
  t.doesNotThrow(() => rows.map((row) => JSON.stringify(row)), 'every row serializes');
});
