import t from 'tap';
import { buildSimulator, type SimulatorPluginOptions } from '../../simulator/index.js';
import type { FastifyPluginAsync } from 'fastify';

t.test('extra plugins are registered beside /v2, outside its auth and limits, with the shared state', async (t) => {
  let seen: SimulatorPluginOptions | undefined;
  const webhook: FastifyPluginAsync<SimulatorPluginOptions> = async (app, options) => {
    seen = options;
    app.post('/message', async () => ({ mId: `m-${options.data.contacts.length}` }));
  };
  const bare: FastifyPluginAsync<SimulatorPluginOptions> = async (app) => {
    app.get('/health', async () => ({ ok: true }));
  };
  const sim = buildSimulator({ contacts: 3, plugins: [{ plugin: webhook, prefix: '/custom-channel' }, bare] });
  t.teardown(() => sim.app.close());
  const res = await sim.app.inject({ method: 'POST', url: '/custom-channel/message', payload: {} });
  t.equal(res.statusCode, 200, 'no respond.io token needed');
  t.same(res.json(), { mId: 'm-3' });
  t.notOk(res.headers['x-ratelimit-limit'], 'not behind the /v2 rate limits');
  t.equal((await sim.app.inject({ url: '/health' })).statusCode, 200, 'a bare plugin function is registered at the root');
  t.equal(seen?.data, sim.data);
  t.equal(seen?.stats, sim.stats);
  t.equal(seen?.token, sim.token);
  t.type(seen?.clock.now, 'function');
});
