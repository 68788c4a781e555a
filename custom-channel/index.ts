/** The respond.io Custom Channel: the /message server and its adapters (its command is hosts/cli/custom-channel-command.ts). */
export { customChannelPlugin } from './plugin.js';
export { buildCustomChannelServer, type CustomChannelServerOptions } from './server.js';
export { DEFAULT_BODY_LIMIT, type CustomChannelOptions } from './options.js';
export { ProviderFailure, type AdapterContext, type OutgoingMessage, type ProviderAdapter } from './adapter.js';
export { createOutboxAdapter, DEFAULT_DEDUPE_WINDOW_MS, type OutboxAdapterOptions } from './outbox-adapter.js';
export { createForwardAdapter, type ForwardAdapterOptions } from './forward-adapter.js';
