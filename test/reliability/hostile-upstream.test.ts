import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import t from 'tap';
import { loadPlugin } from '../../connectors/index.js';
import { buildServer } from '../../hosts/http/build-server.js';
import { errorBehaviors } from '../../runtime/error-behavior.js';
import { type Plugin, type RunRequest } from '../../runtime/plugin.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { cliInProcess, type CliOutcome } from '../helpers/cli-in-process.js';
import { SECRET_TOKEN } from './fault-harness.js';

// The hostile-upstream corpus (test/fixtures/hostile-upstream/cases.json, issue 17): a stand-in upstream on loopback
// (node:http, so bodies really stream, with backpressure) answers contact / message id 666 like a broken proxy or a
// compromised endpoint would, and every other id (< 100) with a good record. Each case runs under every error
// behavior through the CLI (main() in process) and through the HTTP host (buildServer + inject): every input row is
// accounted for as docs/error-behavior says, the exit code / run result agrees with what was written, the rows
// after the hostile one are still processed, no prototype is polluted, the token appears nowhere, and a huge body
// is cut off at the cap (the stand-in never gets to write most of it).

type Answer =
  | { kind: 'huge'; mode: 'chunked' | 'content-length'; bytes: number }
  | { kind: 'deep'; field: string; depth: number }
  | { kind: 'long-string'; field: string; chars: number }
  | { kind: 'lying-length-over' | 'lying-length-under' | 'invalid-utf8' | 'html' | 'duplicate-keys' | 'proto-keys' | 'slow-drip' | 'cut' | 'empty' | 'array' };
interface Case {
  name: string;
  connector: 'get-contact' | 'get-message';
  answer: Answer;
  order?: number[];
  /** The client's timeoutMs for this case (connectorOptions). */
  timeoutMs?: number;
  /** Outcome of each input row under 'Do not fail and return response'. */
  rows: [number, number | string][];
}

const { cases } = JSON.parse(readFileSync(new URL('../fixtures/hostile-upstream/cases.json', import.meta.url), 'utf8')) as { cases: Case[] };
const HOSTILE = 666;
/** The client timeout: short for the slow drip (a case's timeoutMs), generous otherwise (a loaded machine streams 4 MiB slowly). */
const TIMEOUT_MS = 10_000;

// ---- the stand-in upstream ----
let current: Case | undefined;
/** The most bytes the stand-in wrote for one hostile answer in the current run (a huge body must be cut off, not read whole). */
let hostileBytes = 0;

const goodContact = (id: number): object => ({ id, firstName: 'Jane', lastName: 'Tan', status: 'open', tags: ['vip'], assignee: { id: 7, firstName: 'Sam' }, custom_fields: [{ name: 'tier', value: 'gold' }], created_at: 1662965213 });
const goodMessage = (id: number): object => ({ messageId: id, channelMessageId: 'c1', contactId: 1, channelId: 5678, traffic: 'outgoing', message: { type: 'text', text: 'Hello!' }, status: [{ value: 'delivered', timestamp: 1662965213 }] });

/** `depth` objects, one in the other: written as text (JSON.stringify cannot write 100,000 levels). */
const nested = (depth: number): string => `${'{"next":'.repeat(depth)}"bottom"${'}'.repeat(depth)}`;

function hostileBody(answer: Answer, isMessage: boolean): string | Buffer {
  const head = isMessage ? `{"messageId":${HOSTILE},"contactId":1,"traffic":"outgoing"` : `{"id":${HOSTILE},"firstName":"Jane"`;
  switch (answer.kind) {
    case 'deep': return `${head},"${answer.field}":${nested(answer.depth)}}`;
    case 'long-string': return `${head},"${answer.field}":"${'x'.repeat(answer.chars)}"}`.replace('"firstName":"Jane",', '');
    case 'invalid-utf8': return Buffer.concat([Buffer.from(`{"id":${HOSTILE},"firstName":"Ja`), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from('ne","tags":["\xff"]}', 'latin1')]);
    case 'html': return '<!doctype html><html><body><h1>502 Bad Gateway</h1></body></html>';
    case 'duplicate-keys': return `${head},"id":${HOSTILE + 1},"messageId":${HOSTILE + 1},"firstName":"Second"}`;
    case 'proto-keys': {
      const poison = '{"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}}}';
      return isMessage
        ? `{"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}},"messageId":${HOSTILE},"message":${poison},"status":[${poison}]}`
        : `{"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}},"id":${HOSTILE},"tags":[${poison}],"assignee":${poison},"custom_fields":[{"name":"__proto__","value":${poison}}]}`;
    }
    case 'empty': return '';
    case 'array': return `[${JSON.stringify(goodMessage(HOSTILE))}]`;
    default: throw new Error(`no plain body for ${answer.kind}`);
  }
}

/** A huge body written only as fast as the client reads it ('drain'), so the stand-in never holds it either. */
function streamHuge(response: ServerResponse, answer: Extract<Answer, { kind: 'huge' }>, isMessage: boolean): void {
  const head = Buffer.from(isMessage ? `{"messageId":${HOSTILE},"message":{"type":"text","text":"` : `{"id":${HOSTILE},"firstName":"`);
  const tail = Buffer.from(isMessage ? '"}}' : '"}');
  const chunk = Buffer.alloc(64 * 1024, 'a');
  let left = answer.bytes - head.length - tail.length;
  let written = 0;
  response.writeHead(200, { 'content-type': 'application/json', ...(answer.mode === 'content-length' ? { 'content-length': String(answer.bytes) } : {}) });
  response.write(head);
  const pump = (): void => {
    while (left > 0 && !response.destroyed) {
      const piece = left >= chunk.length ? chunk : chunk.subarray(0, left);
      left -= piece.length;
      written += piece.length;
      hostileBytes = Math.max(hostileBytes, written);
      if (!response.write(piece)) return void response.once('drain', pump);
    }
    if (!response.destroyed) response.end(tail);
  };
  pump();
}

function answerHostile(request: IncomingMessage, response: ServerResponse, answer: Answer, isMessage: boolean): void {
  const socket = request.socket;
  switch (answer.kind) {
    case 'huge': return streamHuge(response, answer, isMessage);
    case 'lying-length-over':
      // Raw bytes: node:http would not let a handler announce 1 GiB and send a few bytes.
      socket.write(`HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: ${1024 ** 3}\r\n\r\n{"id":${HOSTILE},`);
      return;
    case 'lying-length-under': {
      const body = `{"id":${HOSTILE},"firstName":"${'a'.repeat(1024 * 1024)}"}`;
      hostileBytes = Math.max(hostileBytes, body.length);
      socket.end(`HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 20\r\nconnection: close\r\n\r\n${body}`);
      return;
    }
    case 'slow-drip': {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.write(`{"id":${HOSTILE},"firstName":"`);
      const drip = setInterval(() => response.write('a'), 50);
      response.on('close', () => clearInterval(drip));
      return;
    }
    case 'cut':
      socket.write(`HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n{"id":${HOSTILE},"firstName":"Ja`, () => socket.destroy());
      return;
    case 'html':
      response.writeHead(200, { 'content-type': 'text/html' }).end(hostileBody(answer, isMessage));
      return;
    default:
      response.writeHead(200, { 'content-type': 'application/json' }).end(hostileBody(answer, isMessage));
  }
}

const standIn = createServer((request, response) => {
  request.resume();
  const path = decodeURIComponent(request.url ?? '');
  const match = /\/contact\/id:(\d+)(?:\/message\/(\d+))?$/.exec(path);
  if (!match || request.headers.authorization !== `Bearer ${SECRET_TOKEN}`) return void response.writeHead(404).end('{"message":"not found"}');
  const isMessage = match[2] !== undefined;
  const id = Number(isMessage ? match[2] : match[1]);
  if (id < 100) return void response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(isMessage ? goodMessage(id) : goodContact(id)));
  if (!current) return void response.writeHead(500).end();
  answerHostile(request, response, current.answer, isMessage);
});
await new Promise<void>((resolve) => standIn.listen(0, '127.0.0.1', resolve));
t.teardown(() => new Promise<void>((resolve) => { standIn.closeAllConnections(); standIn.close(() => resolve()); }));
const baseUrl = `http://127.0.0.1:${(standIn.address() as AddressInfo).port}/v2`;

// ---- the plugin, with a short timeout (the slow drip) and instant retry waits (a fake clock): connectorOptions ----
const real = await loadPlugin();
const plugin = new Proxy(real, {
  get(target, property, receiver) {
    if (property !== 'run') return Reflect.get(target, property, receiver) as unknown;
    return (request: RunRequest) =>
      target.run({ ...request, connectorOptions: { ...request.connectorOptions, timeoutMs: current?.timeoutMs ?? TIMEOUT_MS, pacing: false, retryPolicy: { maxAttempts: 2 }, clock: new FakeClock({ autoAdvance: true }) } });
  },
}) as Plugin;

const API_KEY = 'hostile-api-key-0123456789abcdef';
const app = await buildServer({ plugin, apiKey: API_KEY, baseUrl, logger: false });
t.teardown(() => app.close());

const cli = (argv: string[], stdinText: string): Promise<CliOutcome> => cliInProcess(argv, stdinText, { env: { RESPONDIO_TOKEN: SECRET_TOKEN }, plugin });

const kebab = (behavior: string): string => behavior.toLowerCase().replace(/\s+/g, '-');
type OutRow = Record<string, unknown>;

t.ok(cases.length >= 20, `${cases.length} cases in the corpus`);

for (const c of cases) {
  t.test(c.name, async (t) => {
    current = c;
    const order = c.order ?? [1, HOSTILE, 3];
    const input = order.map((n) => (c.connector === 'get-contact' ? { Identifier: `id:${n}` } : { Identifier: 'id:1', MessageID: String(n) }));
    for (const behavior of errorBehaviors) {
      const failsRun = behavior !== 'Do not fail and return response';
      const firstBad = c.rows.findIndex(([status]) => status !== 200);
      const stop = failsRun && firstBad >= 0 ? firstBad : undefined;
      const expected = stop === undefined ? c.rows : c.rows.slice(0, behavior === 'Fail and return response' ? stop + 1 : stop);
      const errorRows = expected.filter(([status]) => status !== 200).length;

      const checkRows = (rows: OutRow[], where: string): void => {
        t.equal(rows.length, expected.length, `${where}: ${expected.length} output rows`);
        expected.forEach(([status, detail], j) => {
          const row = rows[j] ?? {};
          t.equal(row.StatusCode, status, `${where}: row ${j + 1} StatusCode`, { row: JSON.stringify(row).slice(0, 300) });
          if (status === 200) t.equal(typeof detail === 'number' ? row.ID : row.MessageID, detail, `${where}: row ${j + 1} is its own record`);
          else {
            t.match(String(row.Message), new RegExp(String(detail)), `${where}: row ${j + 1} says what is wrong`);
            t.ok(String(row.Message).length < 2000, `${where}: row ${j + 1} message stays short`);
          }
          t.ok(JSON.stringify(row).length < 200_000, `${where}: row ${j + 1} carries nothing huge`);
        });
      };

      // The CLI: NDJSON out; Fail settings one row at a time so no row after the stop is in flight.
      hostileBytes = 0;
      const run = await cli(['run', c.connector, '-f', 'ndjson', '--base-url', baseUrl, '--error-behavior', kebab(behavior), ...(failsRun ? ['--concurrency', '1'] : [])], input.map((row) => JSON.stringify(row)).join('\n') + '\n');
      t.notMatch(run.stderr, /unexpected error|Maximum call stack|\n\s+at /, `cli · ${behavior}: no crash, no stack`);
      t.notOk(run.stdout.includes(SECRET_TOKEN) || run.stderr.includes(SECRET_TOKEN), `cli · ${behavior}: the token appears nowhere`);
      checkRows(run.stdout.split('\n').filter((line) => line !== '').map((line) => JSON.parse(line) as OutRow), `cli · ${behavior}`);
      t.equal(run.code, failsRun && stop !== undefined ? 1 : 0, `cli · ${behavior}: exit code`, { stderr: run.stderr.slice(0, 1000) });
      if (stop !== undefined) t.match(run.stderr, new RegExp(`failed at row ${stop + 1}: RC_[A-Z_]+ ${c.rows[stop]?.[0]}`), `cli · ${behavior}: the summary names row ${stop + 1}`);
      else if (errorRows > 0) t.match(run.stderr, /finished with errors|succeeded with errors/, `cli · ${behavior}: the summary counts the error rows`);
      if (c.answer.kind === 'huge') t.ok(hostileBytes < 16 * 1024 * 1024, `cli · ${behavior}: cut off at the cap (${hostileBytes} of ${c.answer.bytes} bytes written)`);

      // The HTTP host: the JSON answer.
      hostileBytes = 0;
      const response = await app.inject({
        method: 'POST',
        url: `/v1/connectors/${c.connector}/run`,
        headers: { authorization: `Bearer ${API_KEY}`, 'x-respondio-token': SECRET_TOKEN },
        payload: { settings: { 'Error behavior': behavior }, rows: input, ...(failsRun ? { concurrency: 1 } : {}) },
      });
      t.equal(response.statusCode, 200, `http · ${behavior}: 200 with the run outcome`, { body: response.body.slice(0, 1000) });
      t.notOk(response.body.includes(SECRET_TOKEN), `http · ${behavior}: the token appears nowhere`);
      const body = response.json<{ rows: OutRow[]; result: { status: string; errorRows: number; rowsEmitted: number; failure?: { row: number; statusCode: number } } }>();
      checkRows(body.rows, `http · ${behavior}`);
      t.equal(body.result.rowsEmitted, expected.length, `http · ${behavior}: the run result counts what was written`);
      if (stop !== undefined) t.match(body.result, { status: 'failed', failure: { row: stop + 1, statusCode: c.rows[stop]?.[0] } }, `http · ${behavior}: failed at row ${stop + 1}`);
      else t.match(body.result, { status: errorRows > 0 ? 'succeeded with errors' : 'succeeded', errorRows }, `http · ${behavior}: run status`);
      if (c.answer.kind === 'huge') t.ok(hostileBytes < 16 * 1024 * 1024, `http · ${behavior}: cut off at the cap (${hostileBytes} bytes written)`);

      t.equal(({} as Record<string, unknown>).polluted, undefined, `${behavior}: no prototype polluted`);
      t.equal((Object.prototype as unknown as Record<string, unknown>).polluted, undefined);
    }
    current = undefined;
  });
}
