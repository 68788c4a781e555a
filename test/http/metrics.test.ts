import t from 'tap';
import type { Connector, Row } from '../../runtime/connector.js';
import { RowError } from '../../runtime/errors.js';
import { Plugin } from '../../runtime/plugin.js';
import { SchemaRegistry } from '../../runtime/schema-registry.js';
import { fakeManifest } from '../helpers/fake-connector.js';
import { eventually, ids, testServer } from './server-helpers.js';

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
    ['respondio_connectors_upstream_retries_total{connector="fake-contact"}', 4],
    ['respondio_connectors_upstream_rate_limited_total{connector="fake-contact"}', 4],
    ['respondio_connectors_rate_limit_wait_seconds_total{connector="fake-contact"}', 3],
    ['respondio_connectors_runs_in_flight{mode="sync"}', 0],
    ['respondio_connectors_runs_in_flight{mode="background"}', 0],
  ];
  for (const [metric, expected] of expect) t.equal(value(text, metric), expected, metric);
  const dropped = value(text, 'respondio_connectors_rows_total{connector="fake-contact",outcome="dropped"}') ?? 0;
  t.ok(dropped >= 1 && dropped <= 2, `the failed row of the Fail without response run is counted as dropped (${dropped})`);
  const requests = value(text, 'respondio_connectors_upstream_requests_total{connector="fake-contact",endpoint="GET /contact/{identifier}",status="unknown"}') ?? 0;
  t.ok(requests >= 4 + 4 + 2 && requests <= 4 + 4 + 3 + 3, `upstream requests (${requests})`);
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
