import t from 'tap';
import { loadPlugin } from '../../connectors/index.js';
import { createRespondIoClient } from '../../connectors/respond-io/client.js';
import { isLoopbackHost } from '../../connectors/respond-io/url-policy.js';
import { WebhookClient } from '../../connectors/respond-io/webhook-client.js';
import type { Logger } from '../../runtime/logger.js';
import { TOKEN } from './fixtures.js';

// No token in clear (issue 17 item 5): plain http:// to a host that is not loopback needs 'Allow insecure URL'.
function recordingLogger(): { logger: Logger; warnings: string[] } {
  const warnings: string[] = [];
  const none = (): void => undefined;
  return { warnings, logger: { debug: none, info: none, error: none, warn: (_object: object, message?: string) => void warnings.push(message ?? '') } };
}

const clients = {
  'API client': (url: string, options: { allowInsecureUrl?: boolean; logger?: Logger } = {}) => createRespondIoClient({ token: TOKEN, baseUrl: url, ...options }),
  'webhook client': (url: string, options: { allowInsecureUrl?: boolean; logger?: Logger } = {}) => new WebhookClient({ channelId: 'c1', apiToken: TOKEN, idType: 'Phone Number', webhookUrl: url, ...options }),
};

t.test('loopback hosts', async (t) => {
  for (const host of ['localhost', 'LocalHost', '127.0.0.1', '127.8.9.10', '[::1]', '::1']) t.ok(isLoopbackHost(host), host);
  // api.localhost: RFC 6761 says loopback, but a resolver (or /etc/hosts) may send it anywhere; 127.1 is no IPv4 address to isIP.
  for (const host of ['10.0.0.5', '169.254.169.254', 'api.respond.io', 'localhost.example.com', 'api.localhost', '128.0.0.1', '127.1', '127.0.0.1.nip.io', '[::2]', '[::1', '::1]']) t.notOk(isLoopbackHost(host), host);
});

for (const [name, make] of Object.entries(clients)) {
  t.test(`${name}: http:// off loopback is refused unless allowed, then warned once; https and loopback pass silently`, async (t) => {
    t.throws(() => make('http://api.example.com/v2'), { code: 'RC_INVALID_CONNECTION', message: /http:\/\/api\.example\.com is plain http to a host that is not loopback.*'Allow insecure URL'/ });
    const { logger, warnings } = recordingLogger();
    make('http://api.example.com/v2', { allowInsecureUrl: true, logger }).close();
    t.equal(warnings.length, 1, 'one warning');
    t.match(warnings[0], /plain http to api\.example\.com/);
    t.notMatch(warnings[0], TOKEN);
    for (const url of ['https://api.example.com/v2', 'http://127.0.0.1:4010/v2', 'http://localhost:4010/v2', 'http://[::1]:4010/v2']) {
      const quiet = recordingLogger();
      make(url, { logger: quiet.logger }).close();
      t.same(quiet.warnings, [], `${url}: accepted without a warning`);
    }
  });
}

t.test("through the plugin: the Connection's Base URL / Webhook URL and 'Allow insecure URL'", async (t) => {
  const plugin = await loadPlugin();
  t.throws(() => plugin.run({ connector: 'get-contact', rows: [], connection: { Token: TOKEN, 'Base URL': 'http://10.0.0.5/v2' } }), { code: 'RC_INVALID_CONNECTION', message: /Base URL http:\/\/10\.0\.0\.5 is plain http/ });
  const allowed = plugin.run({ connector: 'get-contact', rows: [], connection: { Token: TOKEN, 'Base URL': 'http://10.0.0.5/v2', 'Allow insecure URL': true } });
  for await (const row of allowed) t.fail(`no row expected, got ${JSON.stringify(row)}`);
  t.match(await allowed.result, { status: 'succeeded' }, 'opted in: the run opens');
  const channel = { 'Channel ID': 'c1', 'API Token': TOKEN, 'ID type': 'Phone Number', 'Webhook URL': 'http://hooks.example.com/custom/channel/webhook/' };
  t.throws(() => plugin.run({ connector: 'custom-channel-send-event', rows: [], connection: channel }), { code: 'RC_INVALID_CONNECTION', message: /Webhook URL http:\/\/hooks\.example\.com is plain http/ });
});
