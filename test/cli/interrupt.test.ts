import t from 'tap';
import { cli, ndjson, parseNdjson } from './harness.js';

// The first SIGINT/SIGTERM (an aborted io.signal here) stops reading input, lets the rows already read finish,
// writes whole lines only and says where it stopped; exit 1.
t.test('an interrupt while stdin is still open: rows read are finished, no half line, summary says where', async (t) => {
  const controller = new AbortController();
  const calls: string[] = [];
  let releaseThird = (): void => undefined;
  const third = new Promise<void>((resolve) => (releaseThird = resolve));
  const running = cli(['run', 'fake-contact', '--concurrency', '2'], {
    keepStdinOpen: true,
    signal: controller.signal,
    fake: {
      calls,
      // The interrupt comes as row 3's call starts (so all three were read) and while it is held in flight; the call
      // is let go only after the interrupt was seen, and must still be finished and written.
      gate: (id) => (id === 'id:3' ? third : undefined),
      onCall: (id) => {
        if (id !== 'id:3') return;
        controller.abort('SIGINT');
        setImmediate(releaseThird);
      },
    },
    // More input would come later (stdin stays open); the interrupt must not wait for it.
    onStdin: (stdin) => stdin.write(ndjson([{ Identifier: 'id:1' }, { Identifier: 'id:2' }, { Identifier: 'id:3' }])),
  });
  const run = await running;
  t.equal(run.code, 1);
  t.ok(run.stdout.endsWith('\n'), 'the output ends with a whole line');
  const rows = parseNdjson(run.stdout);
  t.same(rows.map((row) => row.ID), [1, 2, 3], 'every row read before the interrupt was finished and written');
  t.same(calls, ['id:1', 'id:2', 'id:3']);
  t.match(run.stderr, /run fake-contact: interrupted \(succeeded so far\)/);
  t.match(run.stderr, /stopped by SIGINT: no input read after row 3; every row read was finished and written/);
});

t.test('rows still in flight when the grace period ends are cancelled, and the summary says so', async (t) => {
  const controller = new AbortController();
  const aborted: string[] = [];
  // SIGTERM once row 1 is written and row 2's call has started; that call is held by a gate never released, so only
  // the end of the grace period can end it.
  let rowOneWritten = false;
  let rowTwoStarted = false;
  const stopWhenBoth = (): void => {
    if (rowOneWritten && rowTwoStarted && !controller.signal.aborted) controller.abort('SIGTERM');
  };
  const run = await cli(['run', 'fake-contact', '--concurrency', '2', '--json-summary'], {
    stdin: ndjson([{ Identifier: 'id:1' }, { Identifier: 'id:2' }]),
    signal: controller.signal,
    graceMs: 20,
    fake: {
      aborted,
      gate: (id) => (id === 'id:2' ? new Promise<void>(() => undefined) : undefined),
      onCall: (id) => {
        rowTwoStarted ||= id === 'id:2';
        stopWhenBoth();
      },
    },
    onStdout: (chunk) => {
      rowOneWritten ||= chunk.includes('\n');
      stopWhenBoth();
    },
  });
  t.equal(run.code, 1);
  t.same(parseNdjson(run.stdout).map((row) => row.ID), [1], 'the finished row is kept');
  t.same(aborted, ['id:2'], 'the slow call was aborted, not waited for');
  const summary = JSON.parse(run.stderr.trim().split('\n').at(-1) ?? '') as { status: string; interrupted: unknown };
  t.equal(summary.status, 'cancelled');
  t.same(summary.interrupted, { reason: 'SIGTERM', afterRow: 2, graceExpired: true });
});

t.test('a signal that is already aborted reads nothing', async (t) => {
  const calls: string[] = [];
  const run = await cli(['run', 'fake-contact'], { stdin: ndjson([{ Identifier: 'id:1' }]), signal: AbortSignal.abort('SIGINT'), fake: { calls } });
  t.equal(run.code, 1);
  t.equal(run.stdout, '');
  t.same(calls, []);
  t.match(run.stderr, /no input read after row 0/);
});
