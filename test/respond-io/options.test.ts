import t from 'tap';
import { createRespondIoClient, documentedRateLimits } from '../../connectors/respond-io/index.js';
import { parseEndpointKey, pathFitsTemplate } from '../../connectors/respond-io/endpoints.js';
import { BASE_URL, TOKEN } from './fixtures.js';

t.test('options are validated at creation; messages name the option, the range and the value', async (t) => {
  const make = (options: Record<string, unknown>) => () => createRespondIoClient({ token: TOKEN, baseUrl: BASE_URL, ...options });
  t.throws(make({ token: '' }), { code: 'RC_INVALID_CONNECTION', message: /token is missing/ });
  t.throws(make({ token: `${TOKEN}\r\nX-Evil: 1` }), { code: 'RC_INVALID_CONNECTION', message: /control characters \(value not shown/ });
  t.throws(make({ baseUrl: 'ftp://api.respond.io' }), { code: 'RC_INVALID_CONNECTION', message: 'baseUrl must use http or https, got "ftp://api.respond.io"' });
  t.throws(make({ baseUrl: 'not a url' }), { message: /baseUrl must be an absolute http\(s\) URL/ });
  t.throws(make({ baseUrl: `https://user:${TOKEN}@api.respond.io/v2` }), { message: 'baseUrl must not carry credentials (value not shown)' });
  t.throws(make({ baseUrl: 'https://api.respond.io/v2?x=1' }), { message: /query or fragment/ });
  // Checked by the Client Options schema (the one declaration of these options): its describer's wording.
  t.throws(make({ timeoutMs: 0 }), { code: 'RC_INVALID_OPTION', message: /connector option 'timeoutMs' must be >= 1 \(got 0\)/ });
  t.throws(make({ timeoutMs: '15000' }), { message: /connector option 'timeoutMs' must be an integer \(got the string "15000"\)/ });
  t.throws(make({ pacing: 'yes' }), { message: /connector option 'pacing' must be a boolean/ });
  t.throws(make({ rateLimits: { 'GET /contact/{identifier}': 0 } }), { code: 'RC_INVALID_SETTINGS', message: 'Rate limits["GET /contact/{identifier}"] must be a number of requests per second in (0, 1000], got 0' });
  t.throws(make({ rateLimits: { 'contact/{identifier}': 5 } }), { code: 'RC_INVALID_SETTINGS', message: /must look like 'GET \/contact\/\{identifier\}'/ });
  t.throws(make({ retryPolicy: { maxAttempts: 99 } }), { code: 'RC_INVALID_OPTION', message: /connector option 'retryPolicy\.maxAttempts' must be <= 20 \(got 99\)/ });
  t.throws(make({ clock: {} }), { message: /clock must have now\(\) and sleep/ });
  t.throws(make({ random: 0.5 }), { message: /random must be a function/ });
  t.ok(createRespondIoClient({ token: TOKEN }), 'defaults are enough');
});

t.test('the rate-limit table covers every endpoint of seed 003, keyed by method + template', async (t) => {
  const seedPaths = [
    '/contact/{identifier}/message', '/contact/{identifier}/message/{messageId}', '/contact/{identifier}/comment', '/contact/{identifier}',
    '/contact/merge', '/contact/create_or_update/{identifier}', '/contact/list', '/contact/{identifier}/tag', '/contact/{identifier}/channels',
    '/contact/{identifier}/channel/{channelId}', '/contact/{identifier}/conversation/assignee', '/contact/{identifier}/conversation/status',
    '/space/channel', '/space/closing_notes', '/space/user', '/space/user/{id}', '/space/contact_field', '/space/contact_field/{id}',
  ];
  const templates = new Set(Object.keys(documentedRateLimits).map((key) => parseEndpointKey(key)?.template));
  for (const path of seedPaths) t.ok(templates.has(path), path);
  t.equal(documentedRateLimits['GET /contact/{identifier}'], 10);
  t.equal(documentedRateLimits['GET /contact/{identifier}/message/{messageId}'], 15);
  t.equal(documentedRateLimits['POST /contact/{identifier}/message'], 10);
  t.equal(documentedRateLimits['PUT /contact/{identifier}'], 5, 'create/update/delete share the 5/s row');
  t.ok(Object.keys(documentedRateLimits).every((key) => parseEndpointKey(key)), 'every key parses');
});

t.test('a concrete path must fit its template', async (t) => {
  t.ok(pathFitsTemplate('/contact/id:1/message/2', '/contact/{identifier}/message/{messageId}'));
  t.notOk(pathFitsTemplate('/contact/id:1', '/contact/{identifier}/message/{messageId}'));
  t.notOk(pathFitsTemplate('/contact/..', '/contact/{identifier}'), 'no dot segments');
  t.notOk(pathFitsTemplate('/contact/list', '/space/channel'));
});
