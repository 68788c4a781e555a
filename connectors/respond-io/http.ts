import { readFileSync } from 'node:fs';
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { join } from 'node:path';
import got, { type Got } from 'got';
import { packageRoot } from '../../runtime/package-root.js';

let userAgent: string | undefined;

/** `respondio-connectors/<version>`, read once from package.json (this file runs from source and from dist/). */
export function packageUserAgent(): string {
  if (userAgent === undefined) {
    const { name, version } = JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { name: string; version: string };
    userAgent = `${name}/${version}`;
  }
  return userAgent;
}

export interface HttpTransport {
  got: Got;
  close(): void;
}

/**
 * The project's only got instance factory. got's own retry is off: the client retries itself so that every attempt
 * goes through the rate limiter and the budget. HTTP errors do not throw: the client maps statuses itself. Bodies
 * come as text, parsed by the client, so a malformed body is its error to name.
 */
export function createTransport(baseUrl: string, token: string, timeoutMs: number): HttpTransport {
  const agents = { http: new HttpAgent({ keepAlive: true }), https: new HttpsAgent({ keepAlive: true }) };
  const instance = got.extend({
    prefixUrl: baseUrl,
    headers: { authorization: `Bearer ${token}`, 'user-agent': packageUserAgent(), accept: 'application/json' },
    timeout: { request: timeoutMs },
    agent: agents,
    retry: { limit: 0 },
    throwHttpErrors: false,
    // A redirect would be a misconfigured base URL; following it could carry the token to another host.
    followRedirect: false,
    responseType: 'text',
  });
  return {
    got: instance,
    close: () => {
      agents.http.destroy();
      agents.https.destroy();
    },
  };
}
