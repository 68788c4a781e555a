import t from 'tap';
import { runSimulate } from '../../hosts/cli/simulate-command.js';
import { startSimulator } from '../../simulator/index.js';

t.test('startSimulator listens on 127.0.0.1 and serves /v2 over a real socket', async (t) => {
  const sim = await startSimulator({ contacts: 50 });
  t.teardown(() => sim.close());
  t.match(sim.baseUrl, /^http:\/\/127\.0\.0\.1:\d+\/v2$/);
  const contact = sim.data.contacts[0];
  const res = await fetch(`${sim.baseUrl}/contact/phone:${contact?.phone}`, { headers: { authorization: `Bearer ${sim.token}` } });
  t.equal(res.status, 200);
  t.same(await res.json(), contact);
  t.equal(res.headers.get('x-ratelimit-limit'), '10');
  const denied = await fetch(`${sim.baseUrl}/contact/id:${contact?.id}`);
  t.equal(denied.status, 401);
  t.same(await denied.json(), { code: 401, message: 'Unauthorized: the access token is missing or invalid' });
});

t.test("a 'reset' fault drops the real connection without an answer", async (t) => {
  const sim = await startSimulator({ contacts: 5, faults: { rate: 1, kinds: ['reset'] } });
  t.teardown(() => sim.close());
  await t.rejects(fetch(`${sim.baseUrl}/contact/id:1001`, { headers: { authorization: `Bearer ${sim.token}` } }), TypeError);
  t.same(sim.stats.endpoints['GET /contact/{identifier}']?.byStatus, { reset: 1 });
});

function io(): { stdout: { write(s: string): boolean }; stderr: { write(s: string): boolean }; out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return {
    stdout: { write: (s) => ((out += s), true) },
    stderr: { write: (s) => ((err += s), true) },
    out: () => out,
    err: () => err,
  };
}

t.test('runSimulate prints the base URL and token as one JSON line, serves until stopped', async (t) => {
  const streams = io();
  const stop = new AbortController();
  const exit = runSimulate(['--seed', '3', '--contacts', '20', '--limits', 'off', '--faults', 'none'], { ...streams, signal: stop.signal });
  while (!streams.out().includes('\n')) await new Promise((resolve) => setTimeout(resolve, 5));
  const [jsonLine, humanLine] = streams.out().split('\n');
  const info = JSON.parse(String(jsonLine)) as { baseUrl: string; token: string; seed: number; contacts: number };
  t.match(info, { baseUrl: /^http:\/\/127\.0\.0\.1:\d+\/v2$/, token: /^sim-token-3-/, seed: 3, contacts: 20 });
  t.match(humanLine, /listening on http:\/\/127\.0\.0\.1:\d+\/v2/);
  const res = await fetch(`${info.baseUrl}/contact/id:1001`, { headers: { authorization: `Bearer ${info.token}` } });
  t.equal(res.status, 200);
  t.notOk(res.headers.get('x-ratelimit-limit'), '--limits off');
  stop.abort();
  t.equal(await exit, 0);
  await t.rejects(fetch(`${info.baseUrl}/contact/id:1001`), TypeError, 'stopped: nothing listens any more');
});

t.test('runSimulate refuses bad flags with exit code 2 and a clear message', async (t) => {
  const cases: Array<[string[], RegExp]> = [
    [['--limits', 'strict'], /--limits must be documented or off, got "strict"/],
    [['--faults', 'rate=3'], /--faults: Invalid fault spec "rate=3": rate must be a number from 0 to 1/],
    [['--port', 'abc'], /--port must be an integer from 0 to 65535, got "abc"/],
    [['--seed=-1'], /--seed must be an integer from 0 to 4294967295, got "-1"/],
    [['--nope'], /unknown flag --nope; known flags: /],
    [['--token', 'short'], /option token must be 8 to 512 visible ASCII characters/],
  ];
  for (const [argv, message] of cases) {
    const streams = io();
    t.equal(await runSimulate(argv, streams), 2, argv.join(' '));
    t.match(streams.err(), message);
  }
  const help = io();
  t.equal(await runSimulate(['--help'], help), 0);
  t.match(help.out(), /Usage: respondio-connectors simulate/);
});
