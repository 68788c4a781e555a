import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import t from 'tap';
import { ProviderFailure } from '../../custom-channel/adapter.js';
import { createForwardAdapter } from '../../custom-channel/forward-adapter.js';
import { silentLogger } from '../../runtime/logger.js';
import { CHANNEL_ID, PHONE } from './fixtures.js';

// The forward adapter's provider answers are counted as they stream: a real loopback server (not nock, whose
// bodies do not stream) answers per path, and the test checks the request was cut off at the cap, not read whole.

const CAP = 64 * 1024;
const CHUNK = Buffer.alloc(16 * 1024, 'a');
let sentBytes = 0;
let closedEarly = 0;
let onClosedEarly: () => void = () => {};
const closedEarlyNext = (): Promise<void> => new Promise((resolve) => (onClosedEarly = resolve));

function answer(request: IncomingMessage, response: ServerResponse): void {
  request.resume();
  request.on('end', () => {
    if (request.url === '/chunked') {
      // 64 MiB announced by nothing: chunked, written only as fast as the client reads.
      let left = 4096;
      const pump = (): void => {
        while (left > 0) {
          left -= 1;
          sentBytes += CHUNK.length;
          if (!response.write(CHUNK)) return void response.once('drain', pump);
        }
        response.end();
      };
      response.on('close', () => { if (left > 0) { closedEarly += 1; onClosedEarly(); } });
      response.writeHead(200, { 'content-type': 'application/json' });
      pump();
    } else if (request.url === '/lying-length') {
      // Announces 1 GB, sends a few bytes and keeps the socket open.
      response.writeHead(200, { 'content-type': 'application/json', 'content-length': String(1024 ** 3) });
      response.write('{"id":');
      response.on('close', () => { closedEarly += 1; onClosedEarly(); });
    } else {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ id: 'small' }));
    }
  });
}

const server = createServer(answer);
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
t.teardown(() => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }));
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
const body = { channelId: CHANNEL_ID, contactId: PHONE, message: { type: 'text' as const, text: 'Hi' } as { type: 'text' } };
const context = { signal: new AbortController().signal, logger: silentLogger };

t.test('an answer under the cap is read', async (t) => {
  t.same(await createForwardAdapter({ url: `${base}/small`, maxResponseBytes: CAP }).send(body, context), { mId: 'small' });
});

t.test('a chunked answer past the cap is aborted while streaming: 502 naming the cap', async (t) => {
  const closed = closedEarlyNext();
  const error = await createForwardAdapter({ url: `${base}/chunked`, maxResponseBytes: CAP, retries: 0 }).send(body, context).catch((e: unknown) => e);
  t.type(error, ProviderFailure);
  t.equal((error as ProviderFailure).status, 502);
  t.match((error as Error).message, new RegExp(`response size cap of ${CAP} bytes`));
  await closed; // never resolves if the client read to the end: the test would time out
  t.ok(closedEarly >= 1, 'the server saw the connection closed before the end of its body');
  t.ok(sentBytes < 64 * 1024 * 1024 / 4, `the server wrote ${sentBytes} bytes, far from the 64 MiB it had`);
});

t.test('a Content-Length past the cap is refused before the body', async (t) => {
  const before = closedEarly;
  const closed = closedEarlyNext();
  const error = await createForwardAdapter({ url: `${base}/lying-length`, maxResponseBytes: CAP, retries: 0, timeoutMs: 30_000 }).send(body, context).catch((e: unknown) => e);
  t.type(error, ProviderFailure);
  t.match((error as Error).message, /response size cap of 65536 bytes \(maxResponseBytes; 1073741824 bytes or more\)/);
  await closed;
  t.ok(closedEarly > before, 'the connection was closed by the client, not left open');
});
