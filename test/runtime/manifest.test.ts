import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { ConfigurationError } from '../../runtime/errors.js';
import { readManifest, validateManifest } from '../../runtime/manifest.js';
import { loadPlugin } from '../../connectors/index.js';
import { SchemaRegistry } from '../../runtime/schema-registry.js';
import { fakeConnector, fakeManifest } from '../helpers/fake-connector.js';

const registry = SchemaRegistry.load();
const clone = <T>(value: T): T => structuredClone(value);

t.test('an invalid manifest fails loading with the JSON path and the problem', async (t) => {
  const bad = clone(fakeManifest) as unknown as { connectors: Record<string, unknown>[] };
  (bad.connectors[0] as Record<string, unknown>).processingType = 'Batchwise';
  t.throws(() => validateManifest(bad, registry), { code: 'RC_INVALID_MANIFEST', message: /\/connectors\/0\/processingType: must be equal to one of the allowed values \("Row by row", "Batch"\)/ });

  const missing = clone(fakeManifest) as unknown as { connectors: Record<string, unknown>[] };
  delete (missing.connectors[0] as Record<string, unknown>).output;
  t.throws(() => validateManifest(missing, registry), { message: /\/connectors\/0: must have required property 'output'/ });

  const unknownSchema = clone(fakeManifest);
  unknownSchema.connectors[0]!.input = { name: 'Respond.io - Get Contact Request', version: '9.9.9' };
  t.throws(() => validateManifest(unknownSchema, registry), { message: /\/connectors\/0\/input: no schema "Respond.io - Get Contact Request" version 9.9.9/ });

  const twice = clone(fakeManifest);
  twice.connectors.push(clone(fakeManifest.connectors[0]!));
  t.throws(() => validateManifest(twice, registry), { message: /\/connectors\/1\/id: "fake-contact" is used twice/ });
});

t.test('a manifest file that is not JSON, and a connector without a module, fail loading', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'manifest-'));
  const file = join(dir, 'manifest.json');
  writeFileSync(file, '{ "manifestVersion": ');
  t.throws(() => readManifest(registry, file), ConfigurationError);
  writeFileSync(file, JSON.stringify(fakeManifest));
  await t.rejects(loadPlugin({ manifestFile: file, connectors: [] }), { message: /names connector "fake-contact" but no module implements it/ });
  await t.rejects(loadPlugin({ manifestFile: file, connectors: [fakeConnector(), { ...fakeConnector(), id: 'stray' }] }), { message: /"stray" is not declared/ });
  const plugin = await loadPlugin({ manifestFile: file, connectors: [fakeConnector()] });
  t.same(plugin.listConnectors().map((c) => c.id), ['fake-contact']);
});

t.test('the shipped manifest loads', async (t) => {
  const plugin = await loadPlugin();
  const ids = plugin.listConnectors().map((c) => c.id);
  t.ok(ids.includes('get-message') && ids.includes('get-contact'), ids.join(','));
});
