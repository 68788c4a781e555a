import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';

/** What a run is: a journal is only resumed by the same run (same connector, settings, input and output). */
export interface RunFingerprint {
  connector: { id: string; version: string };
  settings: Record<string, unknown>;
  input: { path: string; size: number; sha256: string };
  output: { path: string; format: string };
}

export interface FingerprintParts {
  connector: { id: string; version: string };
  settings: Readonly<Record<string, unknown>>;
  inputPath: string;
  outputPath: string;
  format: string;
}

/** The fingerprint of a run; the input is hashed as a stream (a 10 GB file is never held in memory). */
export async function fingerprintOf(parts: FingerprintParts): Promise<RunFingerprint> {
  const inputPath = resolve(parts.inputPath);
  const { size } = await stat(inputPath);
  return {
    connector: { ...parts.connector },
    settings: sortedCopy(parts.settings),
    input: { path: inputPath, size, sha256: await sha256Of(inputPath) },
    output: { path: resolve(parts.outputPath), format: parts.format },
  };
}

export async function sha256Of(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** What differs between the journal's run and this one, one phrase per part; empty when they are the same run. */
export function fingerprintDifferences(recorded: RunFingerprint, current: RunFingerprint): string[] {
  const differences: string[] = [];
  if (recorded.input.path !== current.input.path) differences.push(`input: the journal is of ${recorded.input.path}, this run reads ${current.input.path}`);
  else if (recorded.input.size !== current.input.size || recorded.input.sha256 !== current.input.sha256) {
    differences.push(`input: ${current.input.path} changed since the journal was written (size ${recorded.input.size} → ${current.input.size} bytes, content hash differs)`);
  }
  if (recorded.connector.id !== current.connector.id || recorded.connector.version !== current.connector.version) {
    differences.push(`connector: the journal is of ${recorded.connector.id} ${recorded.connector.version}, this run is ${current.connector.id} ${current.connector.version}`);
  }
  const changed = settingNames(recorded.settings, current.settings);
  if (changed.length > 0) differences.push(`settings: ${changed.map((name) => `${name} ${JSON.stringify(recorded.settings[name])} → ${JSON.stringify(current.settings[name])}`).join(', ')}`);
  if (recorded.output.path !== current.output.path || recorded.output.format !== current.output.format) {
    differences.push(`output: the journal is of ${recorded.output.path} (${recorded.output.format}), this run writes ${current.output.path} (${current.output.format})`);
  }
  return differences;
}

function settingNames(a: Record<string, unknown>, b: Record<string, unknown>): string[] {
  const names = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
  return names.filter((name) => JSON.stringify(a[name]) !== JSON.stringify(b[name]));
}

function sortedCopy(block: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return Object.fromEntries(Object.keys(block).sort().map((key) => [key, block[key]]));
}
