import type { ConfigurationDescription } from './describe.js';

export interface ConnectionParts {
  /** The secret (respond.io token, Custom Channel API Token): goes into the field the schema flags secret. */
  secret?: string | undefined;
  /** An explicit Base URL: set as given (the Connection schema then says whether the connector has one). */
  baseUrl?: string | undefined;
  /** A host's default Base URL: only into a Connection that has a Base URL field and none set yet. */
  defaultBaseUrl?: string | undefined;
}

/**
 * A Connection block completed by a host (the CLI from its flags and environment, the HTTP host from its headers),
 * each connector's own schema saying where things go: `Token` for respond.io's API, `API Token` for a Custom Channel.
 */
export function completeConnection(block: Readonly<Record<string, unknown>>, described: ConfigurationDescription | undefined, parts: ConnectionParts): Record<string, unknown> {
  const connection: Record<string, unknown> = { ...block };
  if (parts.secret !== undefined) connection[described?.secretFields[0] ?? 'Token'] = parts.secret;
  if (parts.baseUrl !== undefined) connection['Base URL'] = parts.baseUrl;
  else if (parts.defaultBaseUrl !== undefined && connection['Base URL'] === undefined && described?.schema.properties?.['Base URL'] !== undefined) {
    connection['Base URL'] = parts.defaultBaseUrl;
  }
  return connection;
}
