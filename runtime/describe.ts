import type { ManifestConnector, SchemaRef } from './manifest.js';
import type { ColumnDescription, NamedSchema, SchemaRegistry } from './schema-registry.js';

export interface SchemaDescription extends SchemaRef {
  /** The JSON Schema with every `$ref` inlined. */
  schema: NamedSchema;
  columns: ColumnDescription[];
}

/** A schema a row schema refers to (a nested complex schema, JSON v1.0.0): its own table on a connector page. */
export interface NestedSchemaDescription extends SchemaRef {
  description: string;
  columns: ColumnDescription[];
}

export interface ConfigurationDescription {
  name: string;
  schema: NamedSchema;
  /** Fields flagged secret: never log, echo or store them. */
  secretFields: string[];
}

/** What a workflow engine needs to show and configure a connector: the manifest entry with every schema resolved. */
export interface ConnectorDescription {
  id: string;
  name: string;
  description: string;
  documentation?: string;
  version: string;
  /** The version as the platform's badge shows it (major.minor). */
  versionBadge: string;
  releaseNotes: ManifestConnector['releaseNotes'];
  badges: { agentRestriction: string; processingType: string; multiInputStep: string };
  configuration: { Connection: ConfigurationDescription; Settings: ConfigurationDescription };
  input: SchemaDescription;
  output: SchemaDescription;
  /** Every schema the input and output refer to, directly or nested, each once (input's first). */
  nestedSchemas: NestedSchemaDescription[];
  statusCodes: ManifestConnector['statusCodes'];
  api: ManifestConnector['api'];
  /** Whether a call may be repeated (retried after a 5xx or timeout, asked again on resume). */
  idempotent: boolean;
}

export function describeConnector(entry: ManifestConnector, registry: SchemaRegistry): ConnectorDescription {
  const rowSchema = (ref: SchemaRef): SchemaDescription => ({
    ...ref,
    schema: registry.resolved(ref.name, ref.version),
    columns: registry.columns(ref.name, ref.version),
  });
  const configuration = (block: ManifestConnector['configuration']['Connection']): ConfigurationDescription => {
    const schema = registry.resolved(block.schema.name, block.schema.version);
    return {
      name: block.name,
      schema,
      secretFields: Object.entries(schema.properties ?? {})
        .filter(([, spec]) => spec['x-secret'] === true)
        .map(([field]) => field),
    };
  };
  const nested = new Map<string, NestedSchemaDescription>();
  for (const ref of [entry.input, entry.output]) {
    for (const schema of registry.nestedSchemas(ref.name, ref.version)) {
      const version = schema['x-version'];
      nested.set(schema.$id, { name: schema.title, version, description: schema.description ?? '', columns: registry.columns(schema.title, version) });
    }
  }
  return {
    id: entry.id,
    name: entry.name,
    description: entry.description,
    ...(entry.documentation ? { documentation: entry.documentation } : {}),
    version: entry.version,
    versionBadge: entry.version.split('.').slice(0, 2).join('.'),
    releaseNotes: entry.releaseNotes,
    badges: { agentRestriction: entry.agentRestriction, processingType: entry.processingType, multiInputStep: entry.multiInputStep },
    configuration: { Connection: configuration(entry.configuration.Connection), Settings: configuration(entry.configuration.Settings) },
    input: rowSchema(entry.input),
    output: rowSchema(entry.output),
    nestedSchemas: [...nested.values()],
    statusCodes: entry.statusCodes,
    api: entry.api,
    idempotent: entry.idempotent,
  };
}
