/** The respond.io Custom Channel: the /message server, its adapters, and the CLI entry. */
export { customChannelPlugin } from './plugin.js';
export { buildCustomChannelServer, type CustomChannelServerOptions } from './server.js';
export { DEFAULT_BODY_LIMIT, type CustomChannelOptions } from './options.js';
export { ProviderFailure, type AdapterContext, type OutgoingMessage, type ProviderAdapter } from './adapter.js';
export { createOutboxAdapter, DEFAULT_DEDUPE_WINDOW_MS, type OutboxAdapterOptions } from './outbox-adapter.js';
export { createForwardAdapter, type ForwardAdapterOptions } from './forward-adapter.js';
export { CustomChannelValidator, idTypes, type IdType } from './validation.js';
export { runCustomChannel, customChannelHelp, CHANNEL_TOKEN_ENV, type CustomChannelIo } from './cli.js';
