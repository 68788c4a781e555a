/** respond.io API v2 simulator: in-process for tests, the demo and benchmarks, or `respondio-connectors simulate`. */
export { buildSimulator, startSimulator, type Simulator, type RunningSimulator } from './app.js';
export { defaultToken, SimulatorOptionError, type SimulatorOptions, type StartOptions, type SimulatorPlugin, type SimulatorPluginOptions } from './options.js';
export { SimulatorData, type ContactFields } from './data.js';
export type { SimContact, SimMessage, SimMessageBody, SimUser, SimSpaceUser, SimContactChannel, SimCustomField, SimDeliveryStatus } from './data-types.js';
export { SimulatorStats, type EndpointStats, type ForeignStats, type RequestLogEntry } from './stats.js';
export { endpoints, type EndpointKey, type EndpointSpec } from './endpoints.js';
export { faultKinds, defaultFaultKinds, type FaultKind, type FaultOptions } from './faults.js';
export { parseFaultSpec, FaultSpecError, type FaultSpec } from './fault-spec.js';
