import t from 'tap';
import { figureSpec, renderSvg } from '../../bench/budget-figure.js';
import { attribute, contactIdOf, startsOf, trailingSeries, wholeSecondRatio, type Arrival } from '../../bench/budget-series.js';
import { formatTable } from '../../bench/table.js';

// The shared-budget benchmark's pure parts: attributing the simulator's log to processes, the window ratio, the
// trailing-second series the figure draws, the figure itself and the table rows. The scenario (child processes, a
// redis-server, seconds per cell) runs in `npm run bench` only; no timing is asserted here.
const CONTACT = 'GET /contact/{identifier}';

t.test('contactIdOf: the contact in a logged path, plain or percent-encoded', async (t) => {
  t.equal(contactIdOf('/v2/contact/id:1234'), 1234);
  t.equal(contactIdOf('/v2/contact/id%3A77/message/5'), 77);
  t.equal(contactIdOf('/v2/contact/email:a@b.c'), undefined);
  t.equal(contactIdOf(undefined), undefined);
});

t.test('attribute: each entry of the endpoint to the process that owns its contact, sorted by arrival', async (t) => {
  const owner = new Map([[1, 0], [2, 1]]);
  const log = [
    { endpoint: CONTACT, status: 200, at: 30, url: '/v2/contact/id:2' },
    { endpoint: 'GET /space/user', status: 200, at: 5, url: '/v2/space/user' },
    { endpoint: CONTACT, status: 429, at: 10, url: '/v2/contact/id%3A1' },
  ];
  t.same(attribute(log, CONTACT, owner), [{ at: 10, process: 0, status: 429 }, { at: 30, process: 1, status: 200 }]);
  t.throws(() => attribute([{ endpoint: CONTACT, status: 200, at: 1, url: '/v2/contact/id:9' }], CONTACT, owner), /a request no process owns: .*id:9/);
});

t.test('startsOf: the first arrival of all, and when the last process had sent its first', async (t) => {
  const arrivals: Arrival[] = [{ at: 5, process: 1, status: 200 }, { at: 9, process: 1, status: 200 }, { at: 40, process: 0, status: 429 }];
  t.same(startsOf(arrivals, 2), { first: 5, allRunning: 40 });
  t.equal(startsOf(arrivals, 3), undefined, 'a process that never arrived');
});

t.test('wholeSecondRatio: accepted requests in (from, from + k s], 429s and later ones left out', async (t) => {
  const at = (ms: number, status = 200): Arrival => ({ at: ms, process: 0, status });
  const arrivals = [at(100), at(150), at(600), at(1100), at(1101, 429), at(2099), at(2100), at(2101)];
  // k = ⌊(2150 − 100) / 1000⌋ = 2: (100, 2100] holds 150, 600, 1100, 2099, 2100.
  t.same(wholeSecondRatio(arrivals, 100, 2150, 2), { seconds: 2, accepted: 5, ratio: 1.25 });
  t.same(wholeSecondRatio(arrivals, 100, 1099, 2), { seconds: 0, accepted: 0, ratio: 0 }, 'less than a second');
});

t.test('trailingSeries: per process and combined, a request counted while t − 1 s < at ≤ t, never a 429', async (t) => {
  const arrivals: Arrival[] = [
    { at: 1000, process: 0, status: 200 },
    { at: 1500, process: 0, status: 200 },
    { at: 1600, process: 1, status: 429 },
    { at: 1700, process: 1, status: 200 },
    { at: 2200, process: 0, status: 200 },
  ];
  const points = trailingSeries(arrivals, { from: 1000, to: 2500, stepMs: 500, processes: 2 });
  const at = (seconds: number) => points.filter((p) => p.t === seconds).map((p) => `${p.series}=${p.perSecond}`);
  t.same(at(0), ['process 1=1', 'process 2=0', 'combined=1']);
  t.same(at(0.5), ['process 1=2', 'process 2=0', 'combined=2']);
  t.same(at(1), ['process 1=1', 'process 2=1', 'combined=2'], 'the arrival at exactly t − 1 s has left');
  t.same(at(1.5), ['process 1=1', 'process 2=1', 'combined=2']);
  t.equal(points.length, 4 * 3, 'four samples × (two processes + combined)');
  t.throws(() => trailingSeries(arrivals, { from: 0, to: 1, stepMs: 0, processes: 1 }), RangeError);
});

t.test('the figure: a vega-lite spec rendered to SVG, both panels, the limit rule', async (t) => {
  const panel = (title: string) => ({ title, points: trailingSeries([{ at: 0, process: 0, status: 200 }], { from: 0, to: 1000, stepMs: 500, processes: 1 }), http429At: [0.4] });
  const spec = figureSpec([panel("today's per-process pacer"), panel('shared budget (Redis)')], 10, 'a test figure');
  t.match(JSON.stringify(spec), /"datum":10/, 'the limit line is at the limit');
  const svg = await renderSvg(spec);
  t.match(svg, /^<svg /);
  t.match(svg, /today&#39;s per-process pacer|today's per-process pacer/);
  t.match(svg, /shared budget \(Redis\)/);
  t.match(svg, /a test figure/);
});

t.test('the table: shared-budget cells, the coalescing row and the foreign-consumer row', async (t) => {
  const cell = (processes: number, ratioToLimit: number, http429: number) => ({
    scenario: `shared-budget ${processes}×10/s`, rows: 97, seconds: 10, rowsPerSecond: 9.7, processes, limitRps: 10, ratioToLimit, http429, perProcessRatioToLimit: 0.6, perProcessHttp429: 40,
  });
  const lines = formatTable([
    cell(3, 0.975, 0),
    cell(1, 0.975, 0),
    cell(6, 0.99, 1),
    { scenario: 'shared-budget coalescing', rows: 0, seconds: 0, rowsPerSecond: 0, measured: false, note: 'not measured: coalescing not on main' },
    { scenario: 'shared-budget coalescing', rows: 200, seconds: 10.3, rowsPerSecond: 19.4, measured: true, requests: 100, ratioToLimit: 1.94, http429: 0, withoutRatioToLimit: 0.98, withoutRequests: 200 },
    { scenario: 'shared-budget foreign 30%', rows: 200, seconds: 29, rowsPerSecond: 6.6, http429: 0, http429PerMinute: 0, ratioToRemaining: 0.94, foreignRefused: 0 },
    { scenario: 'shared-budget foreign 30%', rows: 150, seconds: 29, rowsPerSecond: 5.1, http429: 30, http429PerMinute: 60, ratioToRemaining: 0.73, foreignRefused: 2 },
    { scenario: 'shared-budget-guard g=25', rows: 97, seconds: 10, rowsPerSecond: 9.7, ratioToLimit: 0.971, ceiling: 0.976, http429: 0 },
  ]).split('\n');
  t.match(lines[2], /shared-budget 3×10\/s.*ratioToLimit 0.975 · 429s 0 \(per-process pacer: 0.6, 40 × 429\).*≥ 0.97, 0 × 429.*yes/);
  t.match(lines[3], /shared-budget 1×10\/s.*≥ 0.98, 0 × 429.*NO/, 'one process is held to 0.98');
  t.match(lines[4], /shared-budget 6×10\/s.*NO/, 'a single 429 fails the cell');
  t.match(lines[5], /not measured: coalescing not on main.*≥ 1.8 × limit \(rows\/s\) \|\s+\|$/, 'no verdict without a measurement');
  t.match(lines[6], /rows\/s 1.94 × limit, 100 requests for 200 rows · 429s 0 \(coalesce off: 0.98 ×, 200 requests\).*yes/);
  t.match(lines[7], /0 × 429\/min \(0\) · ratioToRemaining 0.94.*yes/);
  t.match(lines[8], /60 × 429\/min \(30\).*NO/);
  t.match(lines[9], /shared-budget-guard g=25.*ratioToLimit 0.971 \(ceiling 0.976\) · 429s 0.*yes/);
});
