import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigurationError } from './errors.js';
import { packageRoot } from './package-root.js';
import type { SchemaRegistry } from './schema-registry.js';
import { describeManifestIssues, schemaIssues } from './schema-issues.js';

export interface SchemaRef {
  name: string;
  version: string;
}

export interface ConfigurationBlock {
  name: string;
  schema: SchemaRef;
}

/** What a connector calls (see schemas/manifest.schema.json, `api`). */
export interface ConnectorApi {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  /** `api` (default): respond.io API v2 under the Connection's Base URL; `webhook`: the Custom Channel webhook. */
  host?: 'api' | 'webhook';
}

/** A manifest connector entry with every shared block resolved: what the runtime and `describe` work with. */
export interface ManifestConnector {
  id: string;
  name: string;
  description: string;
  documentation?: string;
  version: string;
  releaseNotes: { version: string; notes: string[] }[];
  agentRestriction: 'None' | 'Cloud only' | 'On-premise only';
  processingType: 'Row by row' | 'Batch';
  multiInputStep: 'Supported' | 'Not supported';
  configuration: { Connection: ConfigurationBlock; Settings: ConfigurationBlock };
  input: SchemaRef;
  output: SchemaRef;
  statusCodes: { code: number; description: string }[];
  api: ConnectorApi;
  /** Repeating the call has the effect of one call: 5xx/timeouts are retried, and a resumed run may ask it again. */
  idempotent: boolean;
}

export interface Manifest {
  manifestVersion: '1.1.0';
  plugin: { id: string; name: string; version: string; description: string; vendor?: string; documentation?: string };
  connectors: ManifestConnector[];
}

export const MANIFEST_SCHEMA = { name: 'respondio-connectors manifest', version: '1.1.0' } as const;

const invalid = (problem: string): ConfigurationError => new ConfigurationError('RC_INVALID_MANIFEST', `invalid manifest.json: ${problem}`);

/**
 * Replaces every `{ "$ref": "#/shared/…" }` of the connectors by the block it points at. The meta-schema has already
 * checked that each reference names the right kind of block; this checks that the block exists.
 */
function resolveShared(raw: Record<string, unknown>): Manifest {
  const resolve = (node: unknown, path: string): unknown => {
    if (Array.isArray(node)) return node.map((item, index) => resolve(item, `${path}/${index}`));
    if (node === null || typeof node !== 'object') return node;
    const object = node as Record<string, unknown>;
    if (typeof object.$ref === 'string') {
      let target: unknown = raw;
      for (const part of object.$ref.slice(2).split('/')) {
        target = target !== null && typeof target === 'object' && Object.hasOwn(target, part) ? (target as Record<string, unknown>)[part] : undefined;
      }
      if (target === undefined) throw invalid(`${path}: ${object.$ref} names no block of "shared"`);
      return structuredClone(target);
    }
    return Object.fromEntries(Object.entries(object).map(([key, value]) => [key, resolve(value, `${path}/${key}`)]));
  };
  const { shared: _shared, $schema: _schema, ...rest } = raw;
  return resolve(rest, '') as Manifest;
}

/**
 * Validates a manifest against schemas/manifest.schema.json, resolves its shared blocks and checks that every schema
 * it names exists. Fails with the JSON path and the problem, e.g. `/connectors/0/processingType: must be one of …`.
 */
export function validateManifest(value: unknown, registry: SchemaRegistry): Manifest {
  const { validate } = registry.get(MANIFEST_SCHEMA.name, MANIFEST_SCHEMA.version);
  if (!validate(value)) throw invalid(describeManifestIssues(schemaIssues(validate.errors)));
  const manifest = resolveShared(value as Record<string, unknown>);
  const ids = new Set<string>();
  manifest.connectors.forEach((connector, index) => {
    if (ids.has(connector.id)) throw invalid(`/connectors/${index}/id: "${connector.id}" is used twice`);
    ids.add(connector.id);
    const refs: [string, SchemaRef][] = [
      ['input', connector.input],
      ['output', connector.output],
      ['configuration/Connection/schema', connector.configuration.Connection.schema],
      ['configuration/Settings/schema', connector.configuration.Settings.schema],
    ];
    for (const [path, ref] of refs) {
      if (!registry.has(ref.name, ref.version)) throw invalid(`/connectors/${index}/${path}: no schema "${ref.name}" version ${ref.version} in schemas/`);
    }
  });
  return manifest;
}

export function readManifest(registry: SchemaRegistry, file = join(packageRoot(), 'manifest.json')): Manifest {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ConfigurationError('RC_INVALID_MANIFEST', `cannot read ${file}: ${(error as Error).message}`);
  }
  return validateManifest(parsed, registry);
}
