import t from 'tap';
import { InProcessRateBudget } from '../../../connectors/respond-io/budget/in-process-budget.js';
import { withRateBudget } from '../../../connectors/respond-io/budget/with-rate-budget.js';
import { LimiterRegistry } from '../../../connectors/respond-io/pacer.js';
import type { Connector, ConnectorSession, RunEnvironment } from '../../../runtime/connector.js';
import { FakeClock } from '../../helpers/fake-clock.js';

// The composition hands its process-wide budget to each run through connectorOptions.rateBudget.

t.test('withRateBudget: the run gets the budget in connectorOptions, beside its own options; its own rateBudget wins', async (t) => {
  const clock = new FakeClock();
  const budget = new InProcessRateBudget(clock, new LimiterRegistry(clock));
  const ownBudget = new InProcessRateBudget(clock, new LimiterRegistry(clock));
  const seen: RunEnvironment[] = [];
  const session = {} as ConnectorSession;
  const inner: Connector = { id: 'respondio.contact.get', open: (environment) => (seen.push(environment), session) };
  const wrapped = withRateBudget(inner, budget);
  t.equal(wrapped.id, 'respondio.contact.get');
  const environment = { connection: { token: 'x' }, connectorOptions: { timeoutMs: 5000 } } as unknown as RunEnvironment;
  t.equal(wrapped.open(environment), session, "the inner connector's session");
  t.same(seen[0]?.connectorOptions, { rateBudget: budget, timeoutMs: 5000 });
  t.equal(seen[0]?.connectorOptions.rateBudget, budget);
  t.equal(seen[0]?.connection, environment.connection, 'the rest of the environment is passed on');
  wrapped.open({ ...environment, connectorOptions: { rateBudget: ownBudget } });
  t.equal(seen[1]?.connectorOptions.rateBudget, ownBudget, "a run's explicit rateBudget is kept");
});
