import t from 'tap';
import type { Connector, Row } from '../../runtime/connector.js';
import { RowError } from '../../runtime/errors.js';
import { Plugin } from '../../runtime/plugin.js';
import { SchemaRegistry } from '../../runtime/schema-registry.js';
import { buildServer } from '../../hosts/http/build-server.js';
import { startSimulator } from '../../simulator/index.js';
import { fakeManifest } from '../helpers/fake-connector.js';
import { API_KEY, eventually, ids, testServer } from './server-helpers.js';

/** Reports upstream figures the way the respond.io client does: each `busy:` row costs 3 requests, 2 retries, 2 × 429, 1.5 s waiting. */
const countingConnector: Connector = {
  id: 'fake-contact',
  open() {
    const stats = { requests: 0, retries: 0, rateLimited: 0, rateLimitWaitMs: 0 };
    return {
      stats: () => ({ ...stats }),
      async process(row: Row): Promise<Row> {
        const identifier = String(row.Identifier);
        stats.requests += 1;
        if (identifier.startsWith('busy:')) {
          stats.requests += 2;
          stats.retries += 2;
          stats.rateLimited += 2;
          stats.rateLimitWaitMs += 1500;
        }
        if (identifier.startsWith('fail:')) throw new RowError('RC_UPSTREAM_HTTP_ERROR', 404, 'not found');
        return {
          StatusCode: 200, Message: null, ID: 1, Status: 'open', Tags: null, Assignee: null, CreatedAt: null, FirstName: null,
          LastName: null, Phone: null, Email: null, Language: null, ProfilePictureUrl: null, CountryCode: null, CustomFields: null,
        };
      },
    };
  },
};

const value = (text: string, metric: string): number | undefined => {
  const line = text.split('\n').find((l) => l.startsWith(`${metric} `));
  return line === undefined ? undefined : Number(line.slice(metric.length + 1));
};

t.test('metrics after known runs', async (t) => {
  const plugin = new Plugin(fakeManifest, SchemaRegistry.load(), [countingConnector]);
  const s = await testServer({ plugin });
  t.teardown(() => s.app.close());

  const before = await s.request({ method: 'GET', url: '/metrics' });
  t.equal(before.statusCode, 200);
  t.match(before.headers['content-type'], /^text\/plain; version=0\.0\.4/);
  t.equal(value(before.body, 'respondio_connectors_rows_total{connector="fake-contact",outcome="success"}'), 0, 'zeros before the first run');

  await s.request({
    method: 'POST',
    url: '/v1/connectors/fake-contact/run',
    payload: { settings: { 'Error behavior': 'Do not fail and return response' }, rows: ids('id:1', 'busy:2', 'fail:3', 'id:4') },
  });
  await s.request({ method: 'POST', url: '/v1/connectors/fake-contact/run', payload: { settings: { 'Error behavior': 'Fail without response' }, rows: ids('id:1', 'fail:2', 'id:3') } });
  const { id } = (await s.request({ method: 'POST', url: '/v1/runs', payload: { connector: 'fake-contact', rows: ids('busy:1') } })).json<{ id: string }>();
  await eventually(async () => ((await s.request({ method: 'GET', url: `/v1/runs/${id}` })).json<{ status: string }>().status === 'running' ? undefined : true));

  const text = (await s.request({ method: 'GET', url: '/metrics' })).body;
  const expect: [string, number][] = [
    ['respondio_connectors_rows_total{connector="fake-contact",outcome="success"}', 3 + 1 + 1],
    ['respondio_connectors_rows_total{connector="fake-contact",outcome="error_row"}', 1],
    // Fail without response: row 2 gets no output row; row 3 may have been read before the stop
    ['respondio_connectors_runs_total{connector="fake-contact",mode="sync",status="succeeded with errors"}', 1],
    ['respondio_connectors_runs_total{connector="fake-contact",mode="sync",status="failed"}', 1],
    ['respondio_connectors_runs_total{connector="fake-contact",mode="background",status="succeeded"}', 1],
    ['respondio_connectors_runs_in_flight{mode="sync"}', 0],
    ['respondio_connectors_runs_in_flight{mode="background"}', 0],
  ];
  for (const [metric, expected] of expect) t.equal(value(text, metric), expected, metric);
  const dropped = value(text, 'respondio_connectors_rows_total{connector="fake-contact",outcome="dropped"}') ?? 0;
  t.ok(dropped >= 1 && dropped <= 2, `the failed row of the Fail without response run is counted as dropped (${dropped})`);
});

t.test('upstream metrics count what respond.io (the simulator) really answered', async (t) => {
  // The real connector and client against a simulator that answers 20 % of requests with 503 or 429 (seeded): the
  // host's figures must match the simulator's own log, not numbers a stub made up.
  const simulator = await startSimulator({ contacts: 40, latencyMs: 0, faults: { rate: 0.2, kinds: ['503', '429'], burstMs: 50 } });
  t.teardown(() => simulator.close());
  const app = await buildServer({ apiKey: API_KEY, baseUrl: simulator.baseUrl, logger: false, connectorOptions: { retryPolicy: { backoffBaseMs: 1, backoffMaxMs: 5 } } });
  t.teardown(() => app.close());
  const rows = simulator.data.contacts.map((contact) => ({ Identifier: `id:${contact.id}` }));
  const run = await app.inject({
    method: 'POST',
    url: '/v1/connectors/get-contact/run',
    headers: { authorization: `Bearer ${API_KEY}`, 'x-respondio-token': simulator.token },
    payload: { settings: { 'Error behavior': 'Do not fail and return response' }, rows },
  });
  t.equal(run.statusCode, 200);
  const seen = simulator.stats.endpoints['GET /contact/{identifier}']?.byStatus ?? {};
  t.ok((seen['503'] ?? 0) > 0 && (seen['429'] ?? 0) > 0, `the simulator answered 503s and 429s (${JSON.stringify(seen)})`);
  const text = (await app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${API_KEY}` } })).body;
  for (const [status, count] of Object.entries(seen)) {
    t.equal(value(text, `respondio_connectors_upstream_requests_total{connector="get-contact",endpoint="GET /contact/{identifier}",status="${status}"}`), count, `requests answered ${status}`);
  }
  const total = Object.values(seen).reduce((sum, count) => sum + count, 0);
  t.equal(value(text, 'respondio_connectors_upstream_retries_total{connector="get-contact"}'), total - rows.length, 'retries: every request beyond one per row');
  t.equal(value(text, 'respondio_connectors_upstream_rate_limited_total{connector="get-contact"}'), seen['429'] ?? 0, 'rate-limited: the 429s');
});

t.test('each server has its own registry', async (t) => {
  const a = await testServer();
  const b = await testServer();
  t.teardown(async () => {
    await a.app.close();
    await b.app.close();
  });
  await a.request({ method: 'POST', url: '/v1/connectors/fake-contact/run', payload: { rows: ids('id:1') } });
  const text = (await b.request({ method: 'GET', url: '/metrics' })).body;
  t.equal(value(text, 'respondio_connectors_rows_total{connector="fake-contact",outcome="success"}'), 0);
});
