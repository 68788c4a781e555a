import type { Connector } from '../runtime/connector.js';

/** Every connector module the plugin ships, by manifest id. The contract test checks it against manifest.json. */
export const builtInConnectors: readonly Connector[] = [];
