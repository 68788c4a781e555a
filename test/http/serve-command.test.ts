import { EventEmitter } from 'node:events';
import t from 'tap';
import { runServe, type ServeIo } from '../../hosts/cli/serve-command.js';
import { fakePlugin } from '../helpers/fake-connector.js';
import { API_KEY } from './server-helpers.js';

function io(env: NodeJS.ProcessEnv): ServeIo & { out: string[]; err: string[]; signals: EventEmitter; listening: Promise<string> } {
  const out: string[] = [];
  const err: string[] = [];
  const signals = new EventEmitter();
  let onListening!: (url: string) => void;
  const listening = new Promise<string>((resolve) => (onListening = resolve));
  return {
    env,
    out,
    err,
    signals,
    listening,
    plugin: fakePlugin(),
    stdout: { write: (text: string) => out.push(text) },
    stderr: { write: (text: string) => err.push(text) },
    onListening,
  };
}

t.test('refuses to start without an API key, unless --open on a loopback host', async (t) => {
  const none = io({});
  t.equal(await runServe([], none), 2);
  t.match(none.err.join(''), /refusing to start without an API key: set RESPONDIO_CONNECTORS_API_KEY/);

  const wide = io({});
  t.equal(await runServe(['--open', '--host', '0.0.0.0'], wide), 2);
  t.match(wide.err.join(''), /--open is only allowed on a loopback host/);

  const short = io({ RESPONDIO_CONNECTORS_API_KEY: 'short' });
  t.equal(await runServe(['--port', '0'], short), 2);
  t.match(short.err.join(''), /at least 16 characters/);

  const usage = io({});
  t.equal(await runServe(['--bogus'], usage), 2);
  t.match(usage.err.join(''), /Usage: respondio-connectors serve/);
  t.equal(await runServe(['--port', 'abc', '--open'], io({})), 2);
});

t.test('--open on loopback: serves loopback clients without a key; SIGTERM stops it with exit code 0', async (t) => {
  const open = io({});
  const exit = runServe(['--open', '--port', '0', '--host', '127.0.0.1', '--log-level', 'warn'], open);
  const url = await open.listening;
  t.match(open.err.join(''), /listening on http:\/\/127\.0\.0\.1:\d+ \(OPEN, loopback only\)/);
  t.equal((await fetch(`${url}/healthz`)).status, 200);
  const list = await fetch(`${url}/v1/connectors`);
  t.equal(list.status, 200);
  open.signals.emit('SIGTERM');
  t.equal(await exit, 0);
  t.match(open.err.join(''), /stopping/);
});

t.test('with an API key from the environment: Bearer required; JSON logs on stdout', async (t) => {
  const keyed = io({ RESPONDIO_CONNECTORS_API_KEY: API_KEY });
  const exit = runServe(['--port', '0', '--base-url', 'http://127.0.0.1:9/v2'], keyed);
  const url = await keyed.listening;
  t.equal((await fetch(`${url}/v1/connectors`)).status, 401);
  t.equal((await fetch(`${url}/v1/connectors`, { headers: { authorization: `Bearer ${API_KEY}` } })).status, 200);
  keyed.signals.emit('SIGINT');
  t.equal(await exit, 0);
  t.ok(keyed.out.length > 0 && keyed.out.every((line) => JSON.parse(line) !== null), 'pino JSON lines');
  t.notOk(keyed.out.join('').includes(API_KEY));
});
