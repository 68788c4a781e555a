import { loadPlugin as loadPluginWith, type LoadOptions, type Plugin } from '../runtime/plugin.js';
import type { Connector } from '../runtime/connector.js';
import { customChannelSendEvent } from './custom-channel-send-event/index.js';
import { getContact } from './get-contact/index.js';
import { getMessage } from './get-message/index.js';
import { createOrUpdateContact } from './create-or-update-contact/index.js';
import { listContacts } from './list-contacts/index.js';
import { listUsers } from './list-users/index.js';

/** Every connector module the plugin ships, by manifest id. The contract test checks it against manifest.json. */
export const builtInConnectors: readonly Connector[] = [getMessage, getContact, customChannelSendEvent, listContacts, listUsers, createOrUpdateContact];

/** The plugin with the connectors it ships (the package root's `loadPlugin`); `connectors` replaces them (tests). */
export function loadPlugin(options: Partial<LoadOptions> = {}): Promise<Plugin> {
  return loadPluginWith({ ...options, connectors: options.connectors ?? builtInConnectors });
}
