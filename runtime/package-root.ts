import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: string | undefined;

/**
 * The folder holding manifest.json and schemas/. Found by walking up because this file runs both from source
 * (runtime/) and compiled (dist/runtime/), at different depths.
 */
export function packageRoot(): string {
  if (cached !== undefined) return cached;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'manifest.json')) && existsSync(join(dir, 'schemas'))) return (cached = dir);
    const parent = dirname(dir);
    if (parent === dir) throw new Error('respondio-connectors: cannot find manifest.json above ' + fileURLToPath(import.meta.url));
    dir = parent;
  }
}
