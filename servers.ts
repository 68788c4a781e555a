/**
 * `respondio-connectors/servers`: the servers of the package, apart from the library API so that an engine loading
 * connectors does not load fastify. The respond.io Custom Channel (`/message` server and its provider adapters) and
 * the offline respond.io simulator (`respondio-connectors simulate` as a function).
 */
export {
  customChannelPlugin,
  buildCustomChannelServer,
  createOutboxAdapter,
  createForwardAdapter,
  ProviderFailure,
  type CustomChannelServerOptions,
  type ProviderAdapter,
  type AdapterContext,
  type OutgoingMessage,
} from './custom-channel/index.js';
export { buildSimulator, startSimulator, type Simulator, type RunningSimulator } from './simulator/index.js';
