import { loadPlugin as loadPluginWith, type LoadOptions, type Plugin } from '../runtime/plugin.js';
import type { Connector } from '../runtime/connector.js';
import { withRateBudget } from './respond-io/budget/with-rate-budget.js';
import { customChannelSendEvent } from './custom-channel-send-event/index.js';
import { getContact } from './get-contact/index.js';
import { getMessage } from './get-message/index.js';
import { createOrUpdateContact } from './create-or-update-contact/index.js';
import { listContacts } from './list-contacts/index.js';
import { listUsers } from './list-users/index.js';

/** Every connector module the plugin ships, by manifest id. The contract test checks it against manifest.json. */
export const builtInConnectors: readonly Connector[] = [getMessage, getContact, customChannelSendEvent, listContacts, listUsers, createOrUpdateContact];

/** Where respond.io's rate limits are kept (connectors/respond-io/budget/README.md). */
export interface RateBudgetOptions {
  /** redis:// or rediss:// URL: every process pointed at it shares one budget per organization. Unset: this process only. */
  redisUrl?: string | undefined;
  /** The Redis budget's guard g, ms (default 25): send-time spread the window absorbs. */
  guardMs?: number | undefined;
}

export interface PluginOptions extends Partial<LoadOptions> {
  rateBudget?: RateBudgetOptions | undefined;
}

/**
 * The plugin with the connectors it ships (the package root's `loadPlugin`); `connectors` replaces them (tests).
 * With `rateBudget.redisUrl`, one Redis budget is opened for the plugin (a URL that cannot be reached throws a
 * ConfigurationError RC_RATE_BUDGET_UNAVAILABLE naming host:port) and closed by `plugin.close()`.
 */
export async function loadPlugin(options: PluginOptions = {}): Promise<Plugin> {
  const { rateBudget, ...load } = options;
  const connectors = load.connectors ?? builtInConnectors;
  if (!rateBudget?.redisUrl) return loadPluginWith({ ...load, connectors });
  // Imported only when asked for: a process without Redis does not load ioredis.
  const { openRedisBudget } = await import('./respond-io/budget/redis-budget.js');
  const budget = await openRedisBudget({ url: rateBudget.redisUrl, ...(rateBudget.guardMs === undefined ? {} : { guardMs: rateBudget.guardMs }) });
  try {
    return await loadPluginWith({ ...load, connectors: connectors.map((connector) => withRateBudget(connector, budget)), dispose: () => budget.close() });
  } catch (error) {
    await budget.close();
    throw error;
  }
}
