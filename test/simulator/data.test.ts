import t from 'tap';
import { buildSimulator, defaultToken, SimulatorData, SimulatorOptionError } from '../../simulator/index.js';

const options = { seed: 1, contacts: 5000, messagesPerContact: 3 };

t.test('the same seed gives the same data, without Math.random', async (t) => {
  const random = Math.random;
  let calls = 0;
  Math.random = () => {
    calls++;
    return random();
  };
  let a: SimulatorData;
  try {
    a = new SimulatorData(options);
  } finally {
    Math.random = random;
  }
  t.equal(calls, 0, 'Math.random never called');
  const b = new SimulatorData(options);
  // JSON text, not t.same: tap's deep compare of 5000 objects takes seconds.
  t.equal(JSON.stringify(b.contacts), JSON.stringify(a.contacts));
  t.same(b.messagesOf(Number(a.contacts[42]?.id)), a.messagesOf(Number(a.contacts[42]?.id)));
  const other = new SimulatorData({ ...options, seed: 2 });
  t.not(JSON.stringify(other.contacts.slice(5, 50)), JSON.stringify(a.contacts.slice(5, 50)), 'another seed, other contacts');
  t.equal(a.contacts.length, 5000);
  t.ok(a.messageCount > 10_000, `thousands of messages (${a.messageCount})`);
  t.equal(defaultToken(1), buildSimulator({ contacts: 1 }).token, 'the default token comes from the seed');
  t.match(defaultToken(1), /^sim-token-1-[0-9a-f]{8}$/);
  t.not(defaultToken(2), defaultToken(1));
});

t.test('the data holds every variant of the spec page', async (t) => {
  const data = new SimulatorData(options);
  const contacts = data.contacts;
  const some = (what: string, test: (c: Record<string, unknown>) => boolean): void => {
    t.ok(contacts.some((c) => test(c as unknown as Record<string, unknown>)), what);
  };
  some('assignee null', (c) => c.assignee === null);
  some('assignee object', (c) => typeof c.assignee === 'object' && c.assignee !== null);
  some('assignee key missing', (c) => !('assignee' in c));
  some('tags missing', (c) => !('tags' in c));
  some('tags empty', (c) => Array.isArray(c.tags) && c.tags.length === 0);
  some('custom_fields null', (c) => c.custom_fields === null);
  some('custom_fields array with values', (c) => Array.isArray(c.custom_fields) && c.custom_fields.length > 0);
  some('custom_fields with a numeric value', (c) => Array.isArray(c.custom_fields) && c.custom_fields.some((f: { value: unknown }) => typeof f.value === 'number'));
  for (const status of ['open', 'close', 'closed']) some(`status ${status}`, (c) => c.status === status);
  some('isBlocked extra key', (c) => 'isBlocked' in c);
  some('locale extra key', (c) => 'locale' in c);
  some('lifecycle', (c) => typeof c.lifecycle === 'string');
  some('email missing', (c) => !('email' in c));
  some('phone null', (c) => c.phone === null);
  some('lastName missing', (c) => !('lastName' in c));
  t.ok(contacts.every((c) => Number.isInteger(c.id) && Number.isInteger(c.created_at) && c.created_at > 1_500_000_000), 'id and created_at always numbers');
  t.ok(contacts.every((c, i) => i === 0 || c.id > (contacts[i - 1]?.id ?? 0)), 'ascending ids');
  t.equal(new Set(contacts.map((c) => c.id)).size, contacts.length, 'unique ids');
  const emails = contacts.map((c) => c.email).filter((e): e is string => typeof e === 'string');
  t.equal(new Set(emails).size, emails.length, 'unique emails');
  const phones = contacts.map((c) => c.phone).filter((p): p is string => typeof p === 'string');
  t.equal(new Set(phones).size, phones.length, 'unique phones');

  const messages = contacts.flatMap((c) => data.messagesOf(c.id));
  const types = new Set(messages.map((m) => m.message.type));
  for (const type of ['text', 'attachment', 'quick_reply', 'location', 'custom_payload', 'email', 'whatsapp_template', 'story_reply']) t.ok(types.has(type), `type ${type}`);
  t.ok(messages.filter((m) => m.traffic === 'incoming').every((m) => !('status' in m)), 'incoming messages have no status');
  t.ok(messages.filter((m) => m.traffic === 'outgoing').every((m) => Array.isArray(m.status) && m.status.length > 0), 'outgoing ones have a history');
  t.ok(messages.some((m) => m.status?.some((s) => s.value === 'failed' && typeof s.message === 'string')), 'a failed delivery with a message');
  t.ok(messages.some((m) => typeof m.channelMessageId === 'number'), 'numeric channelMessageId');
  t.ok(messages.some((m) => typeof m.channelMessageId === 'string'), 'string channelMessageId');
  t.equal(new Set(messages.map((m) => m.messageId)).size, messages.length, 'unique message ids');
  t.ok(messages.every((m) => data.message(m.messageId) === m), 'message() finds each');
  t.same(data.identifiersOf(contacts[0]!), [`id:${contacts[0]?.id}`, `email:${contacts[0]?.email}`, `phone:${contacts[0]?.phone}`]);
});

t.test('options are validated with messages naming the option, the range and the value', async (t) => {
  const cases: Array<[object, string]> = [
    [{ seed: -1 }, 'option seed must be an integer from 0 to 4294967295, got -1'],
    [{ seed: 1.5 }, 'option seed must be an integer from 0 to 4294967295, got 1.5'],
    [{ contacts: 0 }, 'option contacts must be an integer from 1 to 1000000, got 0'],
    [{ contacts: '10' }, 'option contacts must be an integer from 1 to 1000000, got "10"'],
    [{ messagesPerContact: 1000 }, 'option messagesPerContact must be an integer from 0 to 100, got 1000'],
    [{ creatingMs: -5 }, 'option creatingMs must be an integer from 0 to 3600000, got -5'],
    [{ limits: 'strict' }, `option limits must be 'documented', false or an object of overrides, got "strict"`],
    [{ latencyMs: [1, 2, 3] }, 'option latencyMs must be a number or [min, max], got an array of 3'],
    [{ token: 'a b c d e f g h' }, 'option token must be 8 to 512 visible ASCII characters (no spaces), got a string of 15 characters'],
    [{ clock: {} }, 'option clock must have now() and sleep(ms, signal)'],
  ];
  for (const [bad, message] of cases) t.throws(() => buildSimulator(bad as never), new SimulatorOptionError(message), JSON.stringify(bad));
});
