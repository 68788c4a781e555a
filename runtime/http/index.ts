/** The HTTP host for workflow engines: build (tests, embedding) and serve (CLI). See README.md in this folder. */
export { buildServer, REDACTED_PATHS } from './build-server.js';
export { runServe, SERVE_USAGE, type ServeIo } from './serve-command.js';
export { API_KEY_ENV, BASE_URL_ENV, type ServerOptions } from './options.js';
export type { ErrorBody } from './http-errors.js';
export type { RunView, RunProgressView } from './run-store.js';
