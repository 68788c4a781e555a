import { parse } from 'csv-parse/sync';
import t, { type Test } from 'tap';
import { builtInConnectors, loadPlugin } from '../../connectors/index.js';
import { buildServer } from '../../hosts/http/build-server.js';
import { defineConnector, noUpstreamStats, type Row } from '../../runtime/connector.js';
import { errorBehaviors } from '../../runtime/error-behavior.js';
import { cliInProcess, type CliOutcome } from '../helpers/cli-in-process.js';
import { SECRET_TOKEN } from './fault-harness.js';

// Issue 17 item 3: a connector bug that puts what JSON cannot carry into a row (a BigInt, a cycle, a getter that
// throws, a class instance) costs that row only. The proof is where the core checks every output row before any
// writer sees it (runtime/row-limits.ts, called by runtime/plugin.ts checkOutput): each writer — CLI NDJSON, JSON
// and CSV, the HTTP host's JSON answer and NDJSON stream — gets an error row instead, and the exit code / run result
// agree with what was written.

const good = (id: number): Row => ({ StatusCode: 200, Message: null, ID: id, Status: 'open', Tags: ['vip'], Assignee: null, CreatedAt: null, FirstName: 'Jane', LastName: null, Phone: null, Email: null, Language: null, ProfilePictureUrl: null, CountryCode: null, CustomFields: null });
const cycle: Record<string, unknown> = { name: 'loop' };
cycle.self = cycle;
const bugs: Record<string, Row> = {
  'id:2': { ...good(2), CustomFields: [{ name: 'big', value: 10n }] },
  'id:3': { ...good(3), Tags: [cycle] },
  'id:4': { ...good(4), Assignee: Object.defineProperty({}, 'id', { enumerable: true, get: () => { throw new Error('getter exploded'); } }) },
  'id:5': { ...good(5), CustomFields: new Map([['a', 1]]) },
  'id:6': { ...good(6), ID: 6n },
};
const expected: [number, RegExp | null][] = [
  [200, null],
  [500, /column 'CustomFields' holds a BigInt, which JSON cannot carry/],
  [500, /column 'Tags' is nested more than 64 levels deep/],
  [500, /getter exploded/],
  [500, /column 'CustomFields' holds an instance of Map/],
  [500, /column 'ID' holds a BigInt/],
  [200, null],
];
const buggy = defineConnector({
  id: 'get-contact',
  open: () => ({
    process: async (row: Row) => bugs[String(row.Identifier)] ?? good(Number(String(row.Identifier).slice(3))),
    stats: noUpstreamStats,
  }),
});
const plugin = await loadPlugin({ connectors: [buggy, ...builtInConnectors.filter((c) => c.id !== 'get-contact')] });
const identifiers = expected.map((_, i) => `id:${i + 1}`);

const cli = (argv: string[], stdinText: string): Promise<CliOutcome> => cliInProcess(argv, stdinText, { env: { RESPONDIO_TOKEN: SECRET_TOKEN }, plugin });

function rowsOf(format: string, text: string): { StatusCode: unknown; Message: unknown }[] {
  if (format === 'ndjson') return text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { StatusCode: unknown; Message: unknown });
  if (format === 'json') return JSON.parse(text) as { StatusCode: unknown; Message: unknown }[];
  return (parse(text, { columns: true }) as Record<string, string>[]).map((r) => ({ StatusCode: Number(r.StatusCode), Message: r.Message }));
}

/** What each error behavior writes for `expected`: all of it, or up to the first error row (with or without it). */
function expectedFor(behavior: string): [number, RegExp | null][] {
  if (behavior === 'Do not fail and return response') return expected;
  return expected.slice(0, behavior === 'Fail and return response' ? 2 : 1);
}

function checkRows(t: Test, rows: { StatusCode: unknown; Message: unknown }[], behavior: string, label: string): void {
  const want = expectedFor(behavior);
  t.same(rows.map((r) => r.StatusCode), want.map(([s]) => s), `${label}: one row per input row, as the error behavior says`);
  want.forEach(([, message], j) => { if (message) t.match(String(rows[j]?.Message), message, `${label}: row ${j + 1} says why`); });
}

t.test('CLI: every format writes the error rows, the exit code agrees', async (t) => {
  for (const format of ['ndjson', 'json', 'csv'] as const) {
    const input = format === 'csv' ? `Identifier\n${identifiers.join('\n')}\n` : format === 'json' ? JSON.stringify(identifiers.map((Identifier) => ({ Identifier }))) : identifiers.map((Identifier) => JSON.stringify({ Identifier })).join('\n');
    for (const behavior of errorBehaviors) {
      const label = `${format} · ${behavior}`;
      const kebab = behavior.toLowerCase().replace(/\s+/g, '-');
      const run = await cli(['run', 'get-contact', '-f', format, '--error-behavior', kebab, '--concurrency', '1'], input);
      t.notMatch(run.stderr, /unexpected error|Do not know how to serialize|\n\s+at /, `${label}: no crash`);
      checkRows(t, rowsOf(format, run.stdout), behavior, label);
      t.equal(run.code, behavior === 'Do not fail and return response' ? 0 : 1, `${label}: exit code`);
      if (behavior !== 'Do not fail and return response') t.match(run.stderr, /failed at row 2/, `${label}: the summary names row 2`);
      t.notOk(run.stdout.includes(SECRET_TOKEN) || run.stderr.includes(SECRET_TOKEN), `${label}: no token`);
    }
  }
});

t.test('HTTP host: the JSON answer and the NDJSON stream carry the error rows, the run result agrees', async (t) => {
  const app = await buildServer({ plugin, apiKey: 'k'.repeat(32), logger: false });
  t.teardown(() => app.close());
  const headers = { authorization: `Bearer ${'k'.repeat(32)}`, 'x-respondio-token': SECRET_TOKEN };
  for (const behavior of errorBehaviors) {
    const rows = identifiers.map((Identifier) => ({ Identifier }));
    const json = await app.inject({ method: 'POST', url: '/v1/connectors/get-contact/run', headers, payload: { settings: { 'Error behavior': behavior }, rows } });
    t.equal(json.statusCode, 200, `${behavior}: JSON answer`);
    const body = json.json<{ rows: { StatusCode: number; Message: unknown }[]; result: { status: string; errorRows: number; failure?: { row: number } } }>();
    checkRows(t, body.rows, behavior, `http json · ${behavior}`);
    if (behavior === 'Do not fail and return response') t.match(body.result, { status: 'succeeded with errors', errorRows: 5 });
    else t.match(body.result, { status: 'failed', failure: { row: 2 } });

    const stream = await app.inject({
      method: 'POST',
      url: `/v1/connectors/get-contact/run?errorBehavior=${encodeURIComponent(behavior)}`,
      headers: { ...headers, 'content-type': 'application/x-ndjson' },
      payload: rows.map((r) => JSON.stringify(r)).join('\n') + '\n',
    });
    t.equal(stream.statusCode, 200, `${behavior}: NDJSON stream`);
    const lines = stream.body.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
    const dataRows = lines.filter((l) => 'StatusCode' in l) as { StatusCode: unknown; Message: unknown }[];
    checkRows(t, dataRows, behavior, `http ndjson · ${behavior}`);
    t.notOk(stream.body.includes(SECRET_TOKEN) || json.body.includes(SECRET_TOKEN), `${behavior}: no token`);
  }
});

t.test('HTTP host: a background run stores and pages the error rows, its status agrees', async (t) => {
  const app = await buildServer({ plugin, apiKey: 'k'.repeat(32), logger: false });
  t.teardown(() => app.close());
  const headers = { authorization: `Bearer ${'k'.repeat(32)}`, 'x-respondio-token': SECRET_TOKEN };
  for (const behavior of errorBehaviors) {
    const started = await app.inject({ method: 'POST', url: '/v1/runs', headers, payload: { connector: 'get-contact', settings: { 'Error behavior': behavior }, rows: identifiers.map((Identifier) => ({ Identifier })) } });
    t.equal(started.statusCode, 202, `${behavior}: started`);
    const id = started.json<{ id: string }>().id;
    // Polled until the store says done: each poll is a real request, no sleep decides the verdict.
    let page: { rows: { StatusCode: number; Message: unknown }[]; done: boolean } = { rows: [], done: false };
    for (let polls = 0; !page.done && polls < 10_000; polls += 1) {
      await new Promise((resolve) => setImmediate(resolve));
      page = (await app.inject({ method: 'GET', url: `/v1/runs/${id}/rows?limit=100`, headers })).json();
    }
    t.ok(page.done, `${behavior}: the run ended`);
    checkRows(t, page.rows, behavior, `background · ${behavior}`);
    const view = (await app.inject({ method: 'GET', url: `/v1/runs/${id}`, headers })).json<{ status: string }>();
    t.equal(view.status, behavior === 'Do not fail and return response' ? 'succeeded with errors' : 'failed', `${behavior}: run status`);
  }
});
