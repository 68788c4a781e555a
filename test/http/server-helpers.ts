import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { buildServer } from '../../hosts/http/build-server.js';
import type { ServerOptions } from '../../hosts/http/options.js';
import { fakePlugin, TEST_TOKEN, type FakeOptions } from '../helpers/fake-connector.js';

export const API_KEY = 'test-api-key-0123456789abcdef';
export { TEST_TOKEN };

export interface TestServer {
  app: FastifyInstance;
  /** Every log line the server wrote (pino's JSON, one string a line). */
  logs: string[];
  /** Connector calls, in the order they started (the fake's Identifier). */
  calls: string[];
  aborted: string[];
  request(options: InjectOptions & { auth?: boolean; token?: boolean }): Promise<LightMyRequestResponse>;
}

export async function testServer(options: Partial<ServerOptions> & { fake?: FakeOptions } = {}): Promise<TestServer> {
  const logs: string[] = [];
  const calls: string[] = options.fake?.calls ?? [];
  const aborted: string[] = options.fake?.aborted ?? [];
  const { fake, ...rest } = options;
  const app = await buildServer({
    plugin: fakePlugin({ ...fake, calls, aborted }),
    apiKey: API_KEY,
    logger: { level: 'debug', stream: { write: (line: string) => void logs.push(line) } },
    ...rest,
  });
  return {
    app,
    logs,
    calls,
    aborted,
    request({ auth = true, token = true, headers, ...inject }) {
      return app.inject({
        ...inject,
        headers: {
          ...(auth ? { authorization: `Bearer ${API_KEY}` } : {}),
          ...(token ? { 'x-respondio-token': TEST_TOKEN } : {}),
          ...headers,
        },
      });
    },
  };
}

export const ids = (...identifiers: string[]): { Identifier: string }[] => identifiers.map((Identifier) => ({ Identifier }));

export const ndjson = (...values: unknown[]): string => values.map((value) => `${JSON.stringify(value)}\n`).join('');

export function parseNdjson(text: string): unknown[] {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as unknown);
}

/** Polls until `check` returns a value (not undefined); fails after `tries` polls. */
export async function eventually<T>(check: () => Promise<T | undefined> | T | undefined, tries = 500, everyMs = 10): Promise<T> {
  for (let i = 0; i < tries; i += 1) {
    const value = await check();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
  throw new Error('condition not met in time');
}

export interface ErrorShape {
  error: { code: string; message: string; statusCode: number; details?: unknown };
}
