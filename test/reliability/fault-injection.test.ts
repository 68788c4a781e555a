import fc from 'fast-check';
import t from 'tap';
import { errorBehaviors } from '../../runtime/error-behavior.js';
import { loadPlugin } from '../../connectors/index.js';
import { startSimulator, type RunningSimulator } from '../../simulator/index.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { capturingLogger, contactUrl, FAULTS, runProblems, SECRET_TOKEN, TIMEOUT_MS, type RowPlan } from './fault-harness.js';
import { propertyRuns } from '../helpers/seed.js';

// The simulator at 20 % faults of every kind, both respond.io connectors, every error behavior, random row sets and
// fault patterns (the simulator's seed decides which request meets which fault). Each run is checked against
// error-behavior.md and against what the simulator logged per URL (fault-harness.ts says what exactly).

const plugin = await loadPlugin();
const NUM_RUNS = 15;
const faultsSeen: Record<string, number> = {};

type RowKind = 'found' | 'missing' | 'invalid';
const rowKinds = fc.constantFrom<RowKind>('found', 'found', 'found', 'found', 'missing', 'invalid');
const scenario = fc.record({
  seed: fc.integer({ min: 1, max: 0x7fffffff }),
  rows: fc.array(fc.record({ kind: rowKinds, pick: fc.nat(1000) }), { minLength: 5, maxLength: 24 }),
  concurrency: fc.integer({ min: 1, max: 8 }),
});

const invalidIdentifiers: unknown[] = ['id:abc', '../id:1', 'id:1/../2', 'id:%2F1', 'email:a/b@x.io', 'id:1\r\n', 'phone:60123', 'nope', 42, null];
const invalidMessageIds: unknown[] = ['abc', '0', '-1', 1.5, '12 34', null];

function contactPlans(simulator: RunningSimulator, rows: { kind: RowKind; pick: number }[]): RowPlan[] {
  const contacts = simulator.data.contacts;
  return rows.map(({ kind, pick }, i): RowPlan => {
    if (kind === 'invalid') return { kind, row: { Identifier: invalidIdentifiers[pick % invalidIdentifiers.length] } };
    if (kind === 'missing') {
      const Identifier = `id:${900_000 + i}`;
      return { kind, row: { Identifier }, url: contactUrl(Identifier) };
    }
    const contact = contacts[i]!; // one contact per row (at most 24 of 60): every URL distinct
    const forms = simulator.data.identifiersOf(contact);
    const Identifier = forms[pick % forms.length] as string;
    return { kind: 'contact', row: { Identifier, Extra: 'ignored' }, url: contactUrl(Identifier), contactId: contact.id };
  });
}

function messagePlans(simulator: RunningSimulator, rows: { kind: RowKind; pick: number }[]): RowPlan[] {
  const withMessages = simulator.data.contacts.filter((contact) => simulator.data.messagesOf(contact.id).length > 0);
  return rows.map(({ kind, pick }, i): RowPlan => {
    const contact = withMessages[i % withMessages.length]!;
    const Identifier = `id:${contact.id}`;
    if (kind === 'invalid') {
      return pick % 2 === 0
        ? { kind, row: { Identifier, MessageID: invalidMessageIds[pick % invalidMessageIds.length] } }
        : { kind, row: { Identifier: invalidIdentifiers[pick % invalidIdentifiers.length], MessageID: '1262965213' } };
    }
    if (kind === 'missing') {
      const MessageID = String(1_000_000 + i);
      return { kind, row: { Identifier, MessageID }, url: `${contactUrl(Identifier)}/message/${MessageID}` };
    }
    const messages = simulator.data.messagesOf(contact.id);
    const message = messages[pick % messages.length]!;
    const MessageID = String(message.messageId);
    return { kind: 'message', row: { Identifier, MessageID }, url: `${contactUrl(Identifier)}/message/${MessageID}`, contactId: contact.id, messageId: message.messageId };
  });
}

const connectors = [
  { id: 'get-contact', plans: contactPlans },
  { id: 'get-message', plans: messagePlans },
] as const;

for (const connector of connectors) {
  for (const behavior of errorBehaviors) {
    t.test(`${connector.id} · ${behavior}: every row accounted for under 20 % faults`, async (t) => {
      await fc.assert(
        fc.asyncProperty(scenario, async ({ seed, rows, concurrency }) => {
          // Data for 60 contacts, 2 messages each; 'missing' rows fall outside it, 'invalid' ones never leave the client.
          const simulator = await startSimulator({ seed, contacts: 60, messagesPerContact: 2, token: SECRET_TOKEN, limits: false, faults: { ...FAULTS, kinds: [...FAULTS.kinds] } });
          const plans = connector.plans(simulator, rows);
          const logger = capturingLogger();
          let output;
          try {
            output = await plugin
              .run({
                connector: connector.id,
                rows: plans.map((plan) => plan.row),
                connection: { Token: SECRET_TOKEN, 'Base URL': simulator.baseUrl },
                settings: { 'Error behavior': behavior },
                concurrency,
                logger,
                // Retry waits (backoff, Retry-After) pass on a fake clock; the network and its timeouts are real.
                connectorOptions: { clock: new FakeClock({ autoAdvance: true }), random: () => 0.5, timeoutMs: TIMEOUT_MS },
              })
              .collect();
          } finally {
            await simulator.close(); // ends 'slow' answers, so the log is complete
          }
          for (const endpoint of Object.values(simulator.stats.endpoints)) {
            for (const [kind, count] of Object.entries(endpoint.faults)) faultsSeen[kind] = (faultsSeen[kind] ?? 0) + count;
          }
          const problems = runProblems(behavior, plans, output as never, simulator);
          const everything = JSON.stringify(output) + logger.lines.join('\n');
          if (everything.includes(SECRET_TOKEN)) problems.push('the token leaked into rows, the result or the log');
          if (problems.length > 0) throw new Error(`${problems.join('\n')}\nrows: ${JSON.stringify(output?.rows.map((r) => [r.StatusCode, r.Message]))}`);
        }),
        propertyRuns(NUM_RUNS),
      );
      t.pass('the property held');
    });
  }
}

t.test('the runs above met every kind of fault (the property was not vacuous)', async (t) => {
  for (const kind of FAULTS.kinds) t.ok((faultsSeen[kind] ?? 0) > 0, `${kind} met ${faultsSeen[kind] ?? 0} times`);
});
