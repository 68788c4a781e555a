import type { Connector, Row } from '../runtime/connector.js';
import { Plugin } from '../runtime/plugin.js';
import { SchemaRegistry } from '../runtime/schema-registry.js';
import { fakeManifest } from '../test/helpers/fake-connector.js';
import { round, timed, type BenchContext, type ScenarioResult } from './common.js';

const ROWS_FULL = 300_000;
const ROWS_QUICK = 60_000;

/** A valid Get Contact Response row, built per call like a real connector would (not one shared object). */
function answer(row: Row): Row {
  return {
    StatusCode: 200, Message: null, ID: 1001, Status: 'open', Tags: '["vip"]', Assignee: null, CreatedAt: '2022-09-15T20:34:41.000Z',
    FirstName: row.Identifier, LastName: null, Phone: null, Email: null, Language: null, ProfilePictureUrl: null, CountryCode: null, CustomFields: null,
  };
}

/** The in-process connector: answers at once, so what is left to measure is the runtime around it. */
export const instant: Connector = {
  id: 'fake-contact',
  open: () => ({
    process: async (row) => answer(row),
    stats: () => ({ requests: 0, retries: 0, rateLimited: 0, rateLimitWaitMs: 0 }),
  }),
};

function* inputRows(count: number): Generator<Row> {
  for (let i = 0; i < count; i += 1) yield { Identifier: `id:${1001 + (i % 5000)}` };
}

async function throughPipeline(plugin: Plugin, count: number, concurrency: number): Promise<number> {
  const run = plugin.run({
    connector: 'fake-contact',
    rows: inputRows(count),
    connection: { Token: 'bench-token-0000' },
    settings: { 'Error behavior': 'Do not fail and return response' },
    concurrency,
  });
  let emitted = 0;
  for await (const row of run) if (row.StatusCode === 200) emitted += 1;
  if (emitted !== count) throw new Error(`overhead: ${emitted} of ${count} rows came out`);
  return emitted;
}

/** The same connector function, called by a bare loop with `concurrency` workers: no validation, no ordering. */
async function bareLoop(count: number, concurrency: number): Promise<void> {
  const session = instant.open({
    connection: {},
    settings: {},
    logger: { debug() {}, info() {}, warn() {}, error() {} } as never,
    connectorOptions: {},
    registry: SchemaRegistry.load(),
    endpoint: { method: 'GET', path: '/contact/{identifier}', idempotent: true },
  });
  const context = { signal: new AbortController().signal, row: 0, beforeSend: () => Promise.resolve() };
  const source = inputRows(count);
  let emitted = 0;
  const worker = async (): Promise<void> => {
    for (let next = source.next(); !next.done; next = source.next()) {
      // This connector answers with one row (a promise), never an iterable.
      if ((await (session.process(next.value, context) as Promise<Row>)).StatusCode === 200) emitted += 1;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  if (emitted !== count) throw new Error(`overhead: ${emitted} of ${count} rows came out of the bare loop`);
}

/**
 * The runtime's own cost per row: input validation → call → output validation → ordering → error behavior, with a
 * connector that answers at once. Best of three runs each (after a warm-up), pipeline and bare loop interleaved.
 */
export async function overhead(context: BenchContext, counts?: { rows: number }): Promise<ScenarioResult[]> {
  const rows = counts?.rows ?? (context.quick ? ROWS_QUICK : ROWS_FULL);
  const plugin = new Plugin(fakeManifest, SchemaRegistry.load(), [instant]);
  const results: ScenarioResult[] = [];
  for (const concurrency of [1, 16]) {
    context.note(`overhead: ${rows} rows at concurrency ${concurrency}`);
    await throughPipeline(plugin, Math.min(rows, 20_000), concurrency); // warm-up: JIT, ajv's compiled code
    await bareLoop(Math.min(rows, 20_000), concurrency);
    let pipeline = Number.POSITIVE_INFINITY;
    let bare = Number.POSITIVE_INFINITY;
    for (let round = 0; round < 3; round += 1) {
      pipeline = Math.min(pipeline, (await timed(() => throughPipeline(plugin, rows, concurrency))).seconds);
      bare = Math.min(bare, (await timed(() => bareLoop(rows, concurrency))).seconds);
    }
    results.push({
      scenario: `overhead c=${concurrency}`,
      rows,
      seconds: round(pipeline, 3),
      rowsPerSecond: Math.round(rows / pipeline),
      concurrency,
      usPerRow: round((pipeline * 1e6) / rows, 2),
      bareRowsPerSecond: Math.round(rows / bare),
      bareUsPerRow: round((bare * 1e6) / rows, 2),
      runtimeUsPerRow: round(((pipeline - bare) * 1e6) / rows, 2),
    });
  }
  return results;
}
