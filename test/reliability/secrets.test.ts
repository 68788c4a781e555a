import { createServer } from 'node:http';
import { PassThrough } from 'node:stream';
import { inspect } from 'node:util';
import t from 'tap';
import { createRespondIoClient } from '../../connectors/respond-io/client.js';
import { createForwardAdapter } from '../../custom-channel/forward-adapter.js';
import { main } from '../../hosts/cli/main.js';
import { startSimulator } from '../../simulator/index.js';
import { capturingLogger, SECRET_TOKEN } from './fault-harness.js';

// The token in errors as a developer sees them: util.inspect (console.error, a debugger) prints an error's cause in
// full, enumerable or not, and got's errors hold the request options with the Authorization header. Rows, results,
// logs, HTTP responses, run records and metrics are searched in fault-injection, bad-input, servers and graceful-stop.

const deep = (value: unknown): string => inspect(value, { depth: Infinity, showHidden: true });

async function failureOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a failure');
}

t.test('respond.io client: no-response errors (reset, timeout) keep a cause without the request options', async (t) => {
  for (const kind of ['reset', 'slow'] as const) {
    const simulator = await startSimulator({ contacts: 10, token: SECRET_TOKEN, faults: { rate: 1, kinds: [kind], slowMs: 2_000 } });
    const logger = capturingLogger();
    const client = createRespondIoClient({ token: SECRET_TOKEN, baseUrl: simulator.baseUrl, timeoutMs: 200, retryPolicy: { maxAttempts: 2, backoffBaseMs: 1, backoffMaxMs: 1 }, logger });
    const error = await failureOf(client.getContact('id:1001'));
    client.close();
    await simulator.close();
    t.match(error, { code: 'RC_RETRY_BUDGET_EXHAUSTED', statusCode: 500 }, `${kind}: gave up after the retries`);
    t.ok((error as { cause?: { cause?: unknown } }).cause?.cause, `${kind}: the network error is still there as a cause`);
    t.notOk(deep(error).includes(SECRET_TOKEN), `${kind}: util.inspect of the error shows no token`);
    t.notOk(logger.lines.join('\n').includes(SECRET_TOKEN), `${kind}: the client's log lines show no token`);
  }
});

t.test('Custom Channel forward adapter: a provider key in the headers stays out of its failures', async (t) => {
  const providerKey = 'rc-SECRET-provider-key-9911';
  const server = createServer((request) => request.socket.destroy()); // every call: connection reset
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => server.close());
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const adapter = createForwardAdapter({ url: `http://127.0.0.1:${port}/send`, headers: { authorization: `Bearer ${providerKey}` }, retries: 0, timeoutMs: 1_000 });
  const error = await failureOf(adapter.send({ channelId: 'c', contactId: '+60177872890', message: { type: 'text', text: 'hi' } } as never, { signal: new AbortController().signal } as never));
  t.match(error, { status: 502 });
  t.notOk(deep(error).includes(providerKey), 'util.inspect of the failure shows no provider key');
});

t.test('CLI against a faulty simulator at debug level: stdout and stderr free of the token', async (t) => {
  const simulator = await startSimulator({ contacts: 30, token: SECRET_TOKEN, limits: false, faults: { rate: 0.5, kinds: ['500', '502', '503', '504', 'reset', 'truncated'] } });
  t.teardown(() => simulator.close());
  const input = simulator.data.contacts.map((contact) => JSON.stringify({ Identifier: `id:${contact.id}` }) + '\n').join('');
  for (const [token, behavior] of [[SECRET_TOKEN, 'do-not-fail-and-return-response'], [`${SECRET_TOKEN}-wrong`, 'fail-and-return-response']] as const) {
    const stdin = new PassThrough();
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    let out = '';
    let err = '';
    stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
    stderr.on('data', (chunk: Buffer) => (err += chunk.toString('utf8')));
    stdin.end(input);
    const code = await main(['run', 'get-contact', '--base-url', simulator.baseUrl, '--log-level', 'debug', '--error-behavior', behavior, '--concurrency', '16'], { stdin, stdout, stderr, env: { RESPONDIO_TOKEN: token } });
    // The good token meets faults and goes on (exit 0); the wrong one is a configuration error (401 latch: exit 2).
    t.equal(code, token === SECRET_TOKEN ? 0 : 2, `${behavior}: exit code`);
    t.match(out + err, token === SECRET_TOKEN ? /"StatusCode":(500|502|503|504)/ : /RC_TOKEN_REJECTED/, 'faults (or the 401) were met');
    t.notOk(out.includes(SECRET_TOKEN) || err.includes(SECRET_TOKEN), `${behavior}: the token is nowhere in stdout or stderr`);
  }
});
