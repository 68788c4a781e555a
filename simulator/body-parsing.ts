import type { FastifyInstance, FastifyRequest } from 'fastify';

/**
 * Bodies as respond.io takes them: JSON, and a request without a body whatever its Content-Type. axios labels an
 * empty body `application/x-www-form-urlencoded` and some clients send `application/json` with nothing: respond.io
 * does not document a 415 or a 400 for either, so both read as "no body". A non-empty body that is not JSON stays 415.
 */
export function acceptBodilessRequests(app: FastifyInstance): void {
  app.removeContentTypeParser(['application/json', 'text/plain']);
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, text, done) => {
    if (isBlank(text)) return done(null, undefined);
    try {
      done(null, JSON.parse(text as string) as unknown);
    } catch (error) {
      done(Object.assign(new Error(`Body is not valid JSON: ${(error as Error).message}`), { statusCode: 400 }), undefined);
    }
  });
  app.addContentTypeParser('*', { parseAs: 'string' }, (request: FastifyRequest, text, done) => {
    if (isBlank(text)) return done(null, undefined);
    done(Object.assign(new Error(`Unsupported Media Type: ${request.headers['content-type'] ?? '(none)'}`), { statusCode: 415 }), undefined);
  });
}

function isBlank(text: string | Buffer): boolean {
  return (typeof text === 'string' ? text : text.toString('utf8')).trim() === '';
}
