import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { round, type BenchContext, type ScenarioResult } from './common.js';
import { buildCli, runCli } from './memory.js';

const BODY_BYTES = 500 * 1000 * 1000;
const CONCURRENCY = 16;
const ROWS_FULL = 96;
const ROWS_QUICK = 32;
const TOKEN = 'bench-hostile-token-0123456789';

/**
 * Issue 17's target: the CLI (a child process, the built code) at concurrency 16 against an upstream whose every
 * third answer is good and the others are 500 MB bodies — a JSON string in firstName, chunked, or announced with a
 * true Content-Length. The stand-in (node:http in this process) writes each body only as fast as the client reads it
 * ('drain'), so it never holds one either. The figure is the child's peak RSS (target < 300 MB); every row must be
 * accounted for: one output row per input row, the huge ones as error rows (the response size cap).
 */
export async function hostile(context: BenchContext): Promise<ScenarioResult[]> {
  const rows = context.quick ? ROWS_QUICK : ROWS_FULL;
  buildCli(context, 'hostile');
  let bytesServed = 0;
  const chunk = Buffer.alloc(256 * 1024, 'a');
  const server = createServer((request, response) => {
    request.resume();
    const id = Number(/id%3A(\d+)|id:(\d+)/.exec(request.url ?? '')?.slice(1).find(Boolean));
    if (id % 3 === 0) return void response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id, firstName: 'Jane' }));
    streamHuge(response, id, id % 3 === 1, chunk, (n) => (bytesServed += n));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v2`;
  const dir = mkdtempSync(join(tmpdir(), 'rc-bench-hostile-'));
  try {
    const input = join(dir, 'rows.ndjson');
    writeFileSync(input, Array.from({ length: rows }, (_, i) => `{"Identifier":"id:${i + 1}"}\n`).join(''));
    context.note(`hostile: the CLI over ${rows} rows, ${rows - Math.floor(rows / 3)} answers of ${BODY_BYTES / 1e6} MB (concurrency ${CONCURRENCY})`);
    const run = await runCli({ baseUrl, token: TOKEN }, input, [], CONCURRENCY);
    const huge = rows - Math.floor(rows / 3);
    if (run.summary.rowsEmitted !== rows || run.summary.errorRows !== huge) {
      throw new Error(`hostile: ${rows} rows in (${huge} huge answers), summary ${JSON.stringify(run.summary)}`);
    }
    return [{
      scenario: 'hostile 500 MB answers',
      rows,
      seconds: round(run.seconds, 2),
      rowsPerSecond: round(rows / run.seconds, 1),
      concurrency: CONCURRENCY,
      peakRssMb: round(run.peakRssKb / 1024, 1),
      errorRows: run.summary.errorRows,
      mbServed: round(bytesServed / 1e6, 1),
      mbAnnounced: round((huge * BODY_BYTES) / 1e6, 0),
      rssMeasuredBy: run.measuredBy,
    }];
  } finally {
    server.closeAllConnections();
    server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

function streamHuge(response: ServerResponse, id: number, withLength: boolean, chunk: Buffer, served: (bytes: number) => void): void {
  const head = Buffer.from(`{"id":${id},"firstName":"`);
  const tail = Buffer.from('"}');
  let left = BODY_BYTES - head.length - tail.length;
  response.writeHead(200, { 'content-type': 'application/json', ...(withLength ? { 'content-length': String(BODY_BYTES) } : {}) });
  response.write(head);
  const pump = (): void => {
    while (left > 0 && !response.destroyed) {
      const piece = left >= chunk.length ? chunk : chunk.subarray(0, left);
      left -= piece.length;
      served(piece.length);
      if (!response.write(piece)) return void response.once('drain', pump);
    }
    if (!response.destroyed) response.end(tail);
  };
  pump();
}
