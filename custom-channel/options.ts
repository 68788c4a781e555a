import type { SchemaRegistry } from '../runtime/schema-registry.js';
import type { ProviderAdapter } from './adapter.js';
import { idTypes, type IdType } from '../connectors/respond-io/custom-channel-rules.js';

export interface CustomChannelOptions {
  /** Channel ID from respond.io's Custom Channel dialog: a body for another channel is refused. */
  channelId: string;
  /** API Token from the same dialog: respond.io's only credential on `/message`. */
  apiToken: string;
  /** The channel's ID type: how contactId is checked. */
  idType: IdType;
  /** Where accepted messages go. The plugin closes it when the fastify instance closes. */
  adapter: ProviderAdapter;
  /** Largest body accepted, in bytes (default 64 KiB: seed 002's largest message is well under 20 kB). → 413 */
  bodyLimit?: number;
  /** Schemas to validate with (default: the package's schemas/). */
  registry?: SchemaRegistry;
}

export const DEFAULT_BODY_LIMIT = 64 * 1024;

/** Checked when the plugin is registered, so a misconfigured server fails at start, not on respond.io's first call. */
export function checkOptions(options: CustomChannelOptions): void {
  if (typeof options?.channelId !== 'string' || options.channelId.trim() === '') throw new RangeError('custom channel: channelId must be a non-empty string');
  if (typeof options.apiToken !== 'string' || options.apiToken.trim() === '') throw new RangeError('custom channel: apiToken must be a non-empty string');
  if (!idTypes.includes(options.idType)) throw new RangeError(`custom channel: idType must be ${idTypes.map((t) => JSON.stringify(t)).join(' or ')}, got ${JSON.stringify(options.idType)}`);
  if (typeof options.adapter?.send !== 'function') throw new RangeError('custom channel: adapter must have a send(message, context) method');
  const limit = options.bodyLimit ?? DEFAULT_BODY_LIMIT;
  if (!Number.isInteger(limit) || limit < 1024 || limit > 16 * 1024 * 1024) throw new RangeError(`custom channel: bodyLimit must be an integer from 1024 to 16777216 bytes, got ${JSON.stringify(options.bodyLimit)}`);
}
