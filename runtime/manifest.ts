import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigurationError } from './errors.js';
import { packageRoot } from './package-root.js';
import type { SchemaRegistry } from './schema-registry.js';

export interface SchemaRef {
  name: string;
  version: string;
}

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
  configuration: {
    Connection: { name: string; schema: SchemaRef };
    Settings: { name: string; schema: SchemaRef };
  };
  input: SchemaRef;
  output: SchemaRef;
  statusCodes: { code: number; description: string }[];
  api?: { method: string; path: string };
}

export interface Manifest {
  manifestVersion: '1.0.0';
  plugin: { id: string; name: string; version: string; description: string; vendor?: string; documentation?: string };
  connectors: ManifestConnector[];
}

/**
 * Validates a manifest against schemas/manifest.schema.json and checks that every schema it names exists.
 * Fails with the JSON path and the problem, e.g. `/connectors/0/processingType: must be equal to one of …`.
 */
export function validateManifest(value: unknown, registry: SchemaRegistry): Manifest {
  const { validate } = registry.get('respondio-connectors manifest', '1.0.0');
  if (!validate(value)) {
    const problems = (validate.errors ?? []).map((e) => {
      const allowed = e.keyword === 'enum' ? ` (${(e.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')})` : '';
      return `${e.instancePath || '/'}: ${e.message ?? 'invalid'}${allowed}`;
    });
    throw new ConfigurationError('RC_INVALID_MANIFEST', `invalid manifest.json: ${problems.join('; ')}`);
  }
  const manifest = value as Manifest;
  const ids = new Set<string>();
  manifest.connectors.forEach((connector, index) => {
    if (ids.has(connector.id)) {
      throw new ConfigurationError('RC_INVALID_MANIFEST', `invalid manifest.json: /connectors/${index}/id: "${connector.id}" is used twice`);
    }
    ids.add(connector.id);
    const refs: [string, SchemaRef][] = [
      ['input', connector.input],
      ['output', connector.output],
      ['configuration/Connection/schema', connector.configuration.Connection.schema],
      ['configuration/Settings/schema', connector.configuration.Settings.schema],
    ];
    for (const [path, ref] of refs) {
      if (!registry.has(ref.name, ref.version)) {
        throw new ConfigurationError(
          'RC_INVALID_MANIFEST',
          `invalid manifest.json: /connectors/${index}/${path}: no schema "${ref.name}" version ${ref.version} in schemas/`,
        );
      }
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
