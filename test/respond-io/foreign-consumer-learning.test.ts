import t from 'tap';
import { createRespondIoClient } from '../../connectors/respond-io/index.js';
import { startSimulator } from '../../simulator/index.js';
import { FakeClock } from '../helpers/fake-clock.js';

// The simulator's foreign consumer spends 30 % of Get Contact's 10/s from the very limiter our requests meet, and
// its X-RateLimit-Remaining counts those takes. One fake clock drives the simulator, its foreign consumer and the
// client's pacing, so the count of 429s does not depend on how busy the machine is.

const CONTACT = 'GET /contact/{identifier}';
const ROWS = 40;
const CONCURRENCY = 4;

async function run429s(rateLimitHeaders: boolean): Promise<{ rateLimited: number; rows: number; foreign: number; seconds: number }> {
  const clock = new FakeClock({ start: 0 });
  const sim = await startSimulator({ clock, contacts: ROWS, creatingMs: 0, foreignConsumer: { [CONTACT]: 0.3 } });
  const client = createRespondIoClient({ token: sim.token, baseUrl: sim.baseUrl, clock, rateLimitHeaders });
  try {
    // A second of the foreign consumer alone: its takes are in the window before our first request.
    await clock.advance(1000);
    const started = clock.now();
    const ids = sim.data.contacts.map((contact) => `id:${contact.id}`);
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < ids.length) await client.getContact(ids[next++] as string);
    };
    // Time moves only when every request sent has had its answer: the server stamps each at its send time.
    const answered = (): number => Object.values(client.stats().byStatus ?? {}).reduce((sum, count) => sum + count, 0);
    await clock.run(Promise.all(Array.from({ length: CONCURRENCY }, worker)), { idle: () => answered() === client.stats().requests, limitSteps: 100_000 });
    return {
      rateLimited: sim.stats.endpoints[CONTACT]?.rateLimited ?? -1,
      rows: ids.length,
      foreign: sim.stats.foreign[CONTACT]?.accepted ?? 0,
      seconds: (clock.now() - started) / 1000,
    };
  } finally {
    client.close();
    await sim.close();
  }
}

t.test('with a foreign consumer spending 30 %, learning from X-RateLimit-Remaining costs (almost) no 429, ignoring it costs many', async (t) => {
  const without = await run429s(false);
  const learning = await run429s(true);
  t.comment(`without learning: ${without.rateLimited} × 429, ${without.rows} rows in ${without.seconds} s; with: ${learning.rateLimited} × 429 in ${learning.seconds} s`);
  t.ok(without.rateLimited >= 3, `without learning the client collects 429s (${without.rateLimited})`);
  t.ok(learning.rateLimited <= 1, `with learning at most one (${learning.rateLimited})`);
  t.ok(learning.rateLimited < without.rateLimited, 'fewer with learning than without');
  // Slowing down must not mean standing still: the rows get at least 0.8 × what the foreign consumer leaves (7/s).
  t.ok(learning.rows / learning.seconds >= 0.8 * 7, `${(learning.rows / learning.seconds).toFixed(2)} rows/s with learning`);
  t.ok(learning.foreign > 0, 'the foreign consumer did spend');
});
