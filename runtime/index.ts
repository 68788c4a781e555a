/** The library API a workflow engine calls. */
export { loadPlugin, Plugin, DEFAULT_CONCURRENCY, MAX_CONCURRENCY, type LoadOptions, type RunRequest } from './plugin.js';
export { MalformedInput, type RowSource, type RunHandle } from './pipeline.js';
export type { RunResult, RunStatus, RunStatusCode, RunFailure, RunProgress } from './run-result.js';
export type { ConnectorDescription, SchemaDescription, ConfigurationDescription } from './describe.js';
export type { Connector, ConnectorSession, RunEnvironment, Row, UpstreamStats } from './connector.js';
export { errorBehaviors, defaultErrorBehavior, parseErrorBehavior, type ErrorBehavior } from './error-behavior.js';
export { ConnectorsError, ConfigurationError, RowError } from './errors.js';
export { errorCodes, type ErrorCode } from './error-codes.js';
export type { Logger } from './logger.js';
export type { Clock } from './clock.js';
export type * from '../schemas/generated/row-types.js';
export { buildServer, runServe, type ServerOptions, type ServeIo } from './http/lazy.js';
export type { ErrorBody, RunView, RunProgressView } from './http/index.js';
