/** The HTTP host for workflow engines: built here (tests, embedding), listened by `serve` (hosts/cli/serve-command.ts). See README.md in this folder. */
export { buildServer, REDACTED_PATHS } from './build-server.js';
export { API_KEY_ENV, BASE_URL_ENV, type ServerOptions } from './options.js';
export type { ErrorBody } from './http-errors.js';
export type { RunView, RunProgressView } from './run-store.js';
