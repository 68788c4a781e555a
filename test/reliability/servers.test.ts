import * as crypto from 'node:crypto';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import type { FastifyInstance } from 'fastify';
import t, { type Test } from 'tap';
import { buildCustomChannelServer, type ChannelTimeouts } from '../../custom-channel/server.js';
import { buildServer } from '../../hosts/http/build-server.js';
import type { HostTimeouts } from '../../hosts/http/timeouts.js';
import { loadPlugin } from '../../connectors/index.js';
import { startSimulator } from '../../simulator/index.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { slowClient } from '../helpers/slow-client.js';
import { FAULTS, SECRET_TOKEN, TIMEOUT_MS } from './fault-harness.js';

// Both servers, listening on loopback: auth answered before the body, constant-time comparison, body limits,
// malformed JSON without a stack, slow-client and idle timeouts, and the token in no response, log line, run record
// or metric — with the real connectors against a faulty simulator (got errors carry the request options).
// A client that disconnects mid-stream cancelling its run: test/http/stream-run.test.ts.

const API_KEY = 'reliability-api-key-0123456789';
const CHANNEL_TOKEN = 'rc-SECRET-channel-token-5511';
const CHANNEL_ID = 'reliability-channel';

async function listen(app: FastifyInstance): Promise<string> {
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  return `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
}

/**
 * Sends only the headers of a request that announces a 1 MB body, and resolves with the answer. A server that read
 * the body before checking auth would never answer (the test's own timeout would end it).
 */
function headersOnly(url: string, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': String(1024 * 1024), ...headers } });
    req.on('response', (res: IncomingMessage) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        req.destroy();
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') });
      });
    });
    req.on('error', reject);
    req.flushHeaders();
  });
}

const noStack = /\n\s+at |SyntaxError|node_modules|\.ts:\d+/;

/**
 * Both servers check keys with runtime/bearer-token.ts. Loaded here with node:crypto's timingSafeEqual wrapped, so
 * the test sees every comparison really made (a `===` or a length check first would show up as none).
 */
async function comparisonsMade(t: Test, expected: string, presented: string[]): Promise<{ results: string[]; lengths: number[][] }> {
  const lengths: number[][] = [];
  const { bearerTokenChecker } = await t.mockImport<typeof import('../../runtime/bearer-token.js')>('../../runtime/bearer-token.js', {
    'node:crypto': {
      ...crypto,
      timingSafeEqual: (a: Buffer, b: Buffer) => {
        lengths.push([a.length, b.length]);
        return crypto.timingSafeEqual(a, b);
      },
    },
  });
  const check = bearerTokenChecker(expected);
  return { results: presented.map((token) => check(`Bearer ${token}`)), lengths };
}

t.test('HTTP host', async (t) => {
  const simulator = await startSimulator({ seed: 3, contacts: 40, token: SECRET_TOKEN, limits: false, faults: { ...FAULTS, rate: 0.4, kinds: [...FAULTS.kinds] } });
  const logs: string[] = [];
  const plugin = await loadPlugin();
  const app = await buildServer({
    plugin,
    apiKey: API_KEY,
    bodyLimit: 4096,
    baseUrl: simulator.baseUrl,
    logger: { level: 'trace', stream: { write: (line: string) => void logs.push(line) } },
    connectorOptions: { timeoutMs: TIMEOUT_MS, clock: new FakeClock({ autoAdvance: true }), random: () => 0.5 },
  });
  const base = await listen(app);
  t.teardown(async () => {
    await app.close();
    await simulator.close();
  });
  const auth = { authorization: `Bearer ${API_KEY}`, 'x-respondio-token': SECRET_TOKEN };
  const post = (path: string, body: string, headers: Record<string, string> = auth) =>
    fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });

  t.test('auth is required and answered before the body arrives', async (t) => {
    const missing = await headersOnly(`${base}/v1/connectors/get-contact/run`, {});
    t.equal(missing.status, 401);
    t.match(JSON.parse(missing.body), { error: { code: 'RC_UNAUTHORIZED' } });
    const wrong = await headersOnly(`${base}/v1/connectors/get-contact/run`, { authorization: `Bearer ${API_KEY}x` });
    t.equal(wrong.status, 401);
    t.notOk(wrong.body.includes(API_KEY), 'the key is not echoed');
  });

  t.test('the key is compared in constant time: timingSafeEqual over equal-length digests', async (t) => {
    const compared = await comparisonsMade(t, API_KEY, ['x', API_KEY.repeat(50), API_KEY]);
    t.same(compared.results, ['wrong', 'wrong', 'ok']);
    t.same(compared.lengths, [[32, 32], [32, 32], [32, 32]], 'every comparison went through timingSafeEqual on two 32-byte digests');
  });

  t.test('body limit: 413; malformed JSON: 400 without a stack', async (t) => {
    const big = await post('/v1/connectors/get-contact/run', JSON.stringify({ rows: [{ Identifier: 'x'.repeat(5000) }] }));
    t.equal(big.status, 413);
    t.match(await big.json(), { error: { code: 'RC_BODY_TOO_LARGE' } });
    const broken = await post('/v1/connectors/get-contact/run', `{"rows": [{"Identifier": "id:1001"}`);
    t.equal(broken.status, 400);
    const text = await broken.text();
    t.match(JSON.parse(text), { error: { code: 'RC_INVALID_REQUEST' } });
    t.notMatch(text, noStack);
  });

  t.test('slow, silent and idle keep-alive clients are cut off (real sockets, short limits)', async (t) => {
    // Short limits on two servers, the rest left at their (long) defaults, so each verdict comes from one limit: only the
    // headers limit answers 408, only the keep-alive one closes a connection right after an answer, and only the idle
    // one closes a connection that said nothing or stopped halfway through its body.
    const shortLimit = async (timeouts: Partial<HostTimeouts>): Promise<string> => {
      const server = await buildServer({ plugin, apiKey: API_KEY, logger: false, timeouts: { checkEveryMs: 20, ...timeouts } });
      t.teardown(() => server.close());
      return listen(server);
    };
    const [slow, idle] = await Promise.all([shortLimit({ headersMs: 300, keepAliveMs: 200 }), shortLimit({ idleMs: 300 })]);
    const run = 'POST /v1/connectors/get-contact/run HTTP/1.1\r\nHost: 127.0.0.1\r\n';
    const [slowHeaders, silent, stalledBody, keptAlive] = await Promise.all([
      slowClient(slow, { opening: run, drip: 'X-Slow: 1\r\n' }),
      slowClient(idle, {}),
      slowClient(idle, { opening: `${run}Authorization: Bearer ${API_KEY}\r\nX-Respondio-Token: ${SECRET_TOKEN}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"rows": [` }),
      slowClient(slow, { opening: 'GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n\r\n' }),
    ]);
    t.match(slowHeaders, { closedByServer: true, answer: /^HTTP\/1\.1 408 / }, 'headers still trickling in after headersMs: 408, then closed');
    t.same(silent, { closedByServer: true, answer: '' }, 'a client that connects and says nothing: closed after idleMs');
    t.same(stalledBody, { closedByServer: true, answer: '' }, 'a JSON body that stops halfway: closed after idleMs (no run started)');
    t.match(keptAlive, { closedByServer: true, answer: /^HTTP\/1\.1 200 / }, 'a keep-alive connection left idle after its answer: closed after keepAliveMs');
  });

  t.test('a run against a faulty upstream leaks the token nowhere: rows, results, run records, metrics, logs', async (t) => {
    const rows = simulator.data.contacts.slice(0, 30).map((contact) => ({ Identifier: `id:${contact.id}` }));
    const bodies: string[] = [];
    for (const behavior of ['Do not fail and return response', 'Fail and return response']) {
      const sync = await post('/v1/connectors/get-contact/run', JSON.stringify({ settings: { 'Error behavior': behavior }, rows }));
      bodies.push(await sync.text());
    }
    const stream = await fetch(`${base}/v1/connectors/get-contact/run?errorBehavior=${encodeURIComponent('Do not fail and return response')}`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/x-ndjson' },
      body: rows.map((row) => JSON.stringify(row)).join('\n'),
    });
    bodies.push(await stream.text());
    const started = await post('/v1/runs', JSON.stringify({ connector: 'get-contact', settings: { 'Error behavior': 'Do not fail and return response' }, rows }));
    const { id } = (await started.json()) as { id: string };
    for (let i = 0; i < 500; i += 1) {
      const record = await (await fetch(`${base}/v1/runs/${id}`, { headers: auth })).text();
      if (!record.includes('"running"')) break;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    for (const path of [`/v1/runs/${id}`, `/v1/runs/${id}/rows`, '/v1/runs', '/metrics']) bodies.push(await (await fetch(`${base}${path}`, { headers: auth })).text());
    // A token respond.io refuses: the 401 and the run's failure must not quote either token.
    const rejected = await post('/v1/connectors/get-contact/run', JSON.stringify({ rows }), { ...auth, 'x-respondio-token': `${SECRET_TOKEN}-wrong` });
    bodies.push(await rejected.text());

    const all = bodies.join('\n');
    t.match(all, /"StatusCode":(500|502|503|504|429)/, 'faults reached the rows (the check is not vacuous)');
    t.match(all, /RC_TOKEN_REJECTED/);
    t.ok(logs.length > 10, `${logs.length} log lines`);
    t.notOk(all.includes(SECRET_TOKEN), 'no response carries the token');
    t.notOk(all.includes(API_KEY), 'no response carries the API key');
    // Once, listing offenders: how many lines a faulty run logs varies with scheduling, the assertion count must not.
    t.same(logs.filter((line) => line.includes(SECRET_TOKEN) || line.includes(API_KEY)), [], 'no log line holds the token or the API key');
  });
});

t.test('Custom Channel server', async (t) => {
  const sent: unknown[] = [];
  const logs: string[] = [];
  const app = await buildCustomChannelServer({
    channelId: CHANNEL_ID,
    apiToken: CHANNEL_TOKEN,
    idType: 'Phone Number',
    adapter: { name: 'test', send: async (message) => (sent.push(message), { mId: 'm-1' }) },
    logger: { level: 'trace', stream: { write: (line: string) => void logs.push(line) } },
  });
  const base = await listen(app);
  t.teardown(() => app.close());
  const url = `${base}/message`;
  const body = JSON.stringify({ channelId: CHANNEL_ID, contactId: '+60177872890', message: { type: 'text', text: 'hi' } });
  const post = (payload: string, authorization = `Bearer ${CHANNEL_TOKEN}`) =>
    fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization }, body: payload });

  t.test('auth is required and answered before the body arrives', async (t) => {
    for (const headers of [{}, { authorization: 'Bearer nope' }, { authorization: CHANNEL_TOKEN }]) {
      const answer = await headersOnly(url, headers);
      t.equal(answer.status, 401);
      t.notOk(answer.body.includes(CHANNEL_TOKEN));
    }
    t.same(sent, [], 'the adapter was not called');
  });

  t.test('the token is compared in constant time: timingSafeEqual over equal-length digests', async (t) => {
    const compared = await comparisonsMade(t, CHANNEL_TOKEN, ['x', CHANNEL_TOKEN.repeat(40), CHANNEL_TOKEN, `${CHANNEL_TOKEN.slice(0, -1)}y`]);
    t.same(compared.results, ['wrong', 'wrong', 'ok', 'wrong'], 'shorter, longer, equal and same-length tokens are compared, not thrown on');
    t.same(compared.lengths, [[32, 32], [32, 32], [32, 32], [32, 32]], 'every comparison went through timingSafeEqual on two 32-byte digests');
  });

  t.test('body limit: 413; malformed JSON: 400 without a stack; a good message: 200', async (t) => {
    t.equal((await post(JSON.stringify({ channelId: CHANNEL_ID, contactId: '+60177872890', message: { type: 'text', text: 'x'.repeat(70_000) } }))).status, 413);
    const broken = await post('{"channelId": ');
    t.equal(broken.status, 400);
    t.notMatch(await broken.text(), noStack);
    const good = await post(body);
    t.equal(good.status, 200);
    t.same(await good.json(), { mId: 'm-1' });
  });

  t.test('slow, silent and idle keep-alive clients are cut off (real sockets, short limits)', async (t) => {
    // One server per limit, the others left at their (long) defaults, so each verdict comes from the limit under test
    // (the whole-request one needs a headers limit no longer than itself: Node swaps them otherwise).
    const shortLimit = async (timeouts: Partial<ChannelTimeouts>): Promise<string> => {
      const server = await buildCustomChannelServer({
        channelId: CHANNEL_ID,
        apiToken: CHANNEL_TOKEN,
        idType: 'Phone Number',
        adapter: { name: 'test', send: async () => ({ mId: 'm-2' }) },
        timeouts: { checkEveryMs: 20, ...timeouts },
      });
      t.teardown(() => server.close());
      return listen(server);
    };
    const [headers, whole, idle, keepAlive] = await Promise.all([shortLimit({ headersMs: 300 }), shortLimit({ headersMs: 200, requestMs: 400 }), shortLimit({ idleMs: 300 }), shortLimit({ keepAliveMs: 200 })]);
    const head = (length: number): string => `POST /message HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${CHANNEL_TOKEN}\r\nContent-Type: application/json\r\nContent-Length: ${length}\r\n\r\n`;
    const [slowHeaders, slowBody, silent, keptAlive] = await Promise.all([
      slowClient(headers, { opening: 'POST /message HTTP/1.1\r\nHost: 127.0.0.1\r\n', drip: 'X-Slow: 1\r\n' }),
      slowClient(whole, { opening: `${head(60_000)}{"channelId": "`, drip: 'x' }),
      slowClient(idle, {}),
      slowClient(keepAlive, { opening: `${head(Buffer.byteLength(body))}${body}` }),
    ]);
    t.match(slowHeaders, { closedByServer: true, answer: /^HTTP\/1\.1 408 / }, 'headers still trickling in after headersMs: 408, then closed');
    t.match(slowBody, { closedByServer: true, answer: /^HTTP\/1\.1 408 / }, 'a body still trickling in after requestMs: 408, then closed');
    t.same(silent, { closedByServer: true, answer: '' }, 'a client that connects and says nothing: closed after idleMs');
    t.match(keptAlive, { closedByServer: true, answer: /^HTTP\/1\.1 200 [^]*"mId":"m-2"/ }, 'a keep-alive connection left idle after its answer: closed after keepAliveMs');
  });

  t.test('the token is in no log line', async (t) => {
    t.ok(logs.length > 0);
    t.same(logs.filter((line) => line.includes(CHANNEL_TOKEN)), [], 'no log line holds the token');
  });
});
