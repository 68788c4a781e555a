import { completeConnection } from '../../runtime/connection-block.js';
import type { ConfigurationDescription } from '../../runtime/describe.js';
import { UsageError } from './io.js';
import type { RunOptions } from './run-options.js';

/**
 * The Connection block of a run, built from the connector's own Connection schema: the token goes into the field
 * the schema flags secret (Token for respond.io's API, API Token for a Custom Channel), `--base-url` into Base URL
 * (else `envBaseUrl`, the RESPONDIO_BASE_URL variable, where the schema has a Base URL — as the library and `serve`
 * do), and `--connection FIELD=VALUE` into the other fields. The schema itself then checks the block (Plugin.run).
 */
export function connectionOf(
  connector: { id: string; configuration: { Connection: ConfigurationDescription } },
  token: string,
  options: RunOptions,
  envBaseUrl?: string,
): Record<string, unknown> {
  const { schema, secretFields } = connector.configuration.Connection;
  const fields = Object.keys(schema.properties ?? {});
  if (options.baseUrl !== undefined && !fields.includes('Base URL')) {
    throw new UsageError(`--base-url: the Connection of ${connector.id} has no 'Base URL' field (its fields: ${fields.join(', ')}); use --connection 'FIELD=VALUE'`, 'run');
  }
  const given: Record<string, string> = {};
  for (const [field, value] of options.connectionFields) {
    if (!fields.includes(field)) {
      throw new UsageError(`--connection: the Connection of ${connector.id} has no field ${JSON.stringify(field)} (its fields: ${fields.join(', ')})`, 'run');
    }
    if (secretFields.includes(field)) {
      throw new UsageError(`--connection: '${field}' is secret and is refused on the command line (visible in ps and shell history); set RESPONDIO_TOKEN or pass --token-file FILE`, 'run');
    }
    given[field] = value;
  }
  return completeConnection(given, connector.configuration.Connection, { secret: token, baseUrl: options.baseUrl, defaultBaseUrl: envBaseUrl });
}
