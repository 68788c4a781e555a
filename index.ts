/** The library API a workflow engine calls. */
import { runFiles } from './batch/library-run.js';
import { loadPlugin as loadConnectors, type PluginOptions } from './connectors/index.js';
import type { Plugin } from './runtime/plugin.js';

/**
 * The plugin with the connectors it ships (connectors/index.ts), able to run file batches too:
 * `plugin.run({ rows: { file }, output: { file }, checkpoint: { file } })` (batch/library-run.ts).
 */
export function loadPlugin(options: PluginOptions = {}): Promise<Plugin> {
  return loadConnectors({ fileRunner: runFiles, ...options });
}
export type { PluginOptions, RateBudgetOptions } from './connectors/index.js';
export { Plugin, DEFAULT_CONCURRENCY, MAX_CONCURRENCY, type LoadOptions, type RunRequest } from './runtime/plugin.js';
export { fileFormats, type FileFormat, type FileRunRequest, type FileRunResult, type RowFile, type CheckpointOption } from './runtime/file-run.js';
export { MalformedInput, type RowSource, type RunHandle } from './runtime/pipeline.js';
export type { RunResult, RunStatus, RunStatusCode, RunFailure, RunProgress } from './runtime/run-result.js';
export type { ConnectorDescription, SchemaDescription, ConfigurationDescription, NestedSchemaDescription } from './runtime/describe.js';
export type { Connector, ConnectorSession, RunEnvironment, Row, UpstreamStats } from './runtime/connector.js';
export { errorBehaviors, defaultErrorBehavior, parseErrorBehavior, type ErrorBehavior } from './runtime/error-behavior.js';
export { ConnectorsError, ConfigurationError, RowError } from './runtime/errors.js';
export { errorCodes, type ErrorCode } from './runtime/error-codes.js';
export type { Logger } from './runtime/logger.js';
export type { Clock } from './runtime/clock.js';
export type * from './schemas/generated/row-types.js';
export { buildServer, type ServerOptions } from './hosts/http/lazy.js';
export type { ErrorBody, RunView, RunProgressView } from './hosts/http/index.js';

/** `respondio-connectors serve …` as a function (embedding, tests): resolves with the exit code once stopped. */
export async function runServe(argv: readonly string[], io: import('./hosts/cli/serve-command.js').ServeIo): Promise<number> {
  return (await import('./hosts/cli/serve-command.js')).runServe(argv, io);
}
export type { ServeIo } from './hosts/cli/serve-command.js';

// The respond.io Custom Channel's webhook client (posts to respond.io) and its rules. The servers (the Custom
// Channel's /message server, the simulator) are in 'respondio-connectors/servers': importing the library for
// loadPlugin / run does not load a web server.
export { WebhookClient, WebhookPayloadError, type WebhookClientOptions, type WebhookEvents, type WebhookPostResult } from './connectors/respond-io/webhook-client.js';
export { CustomChannelValidator, idTypes, type IdType } from './connectors/respond-io/custom-channel-rules.js';

// The respond.io API v2 client the connectors use (pacing, retries), for calls no connector makes.
export { createRespondIoClient, type RespondIoClient, type RespondIoClientOptions } from './connectors/respond-io/index.js';
