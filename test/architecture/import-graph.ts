import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

/**
 * The layers of the source tree, lowest first. A file may import from its own unit or from a unit on a lower layer,
 * never from a higher one, and never from another unit of its own layer (two connectors, the two servers). Folders
 * inside a unit (hosts/cli/input, simulator/routes) are that unit's business.
 */
export const layers: readonly { name: string; units: readonly string[] }[] = [
  { name: 'schemas', units: ['schemas'] },
  { name: 'core', units: ['runtime'] },
  { name: 'respond.io client', units: ['connectors/respond-io'] },
  { name: 'connectors', units: ['connectors/*'] },
  { name: 'connector list', units: ['connectors'] },
  { name: 'file batches (readers, writers, checkpoint journal runs)', units: ['batch'] },
  { name: 'servers', units: ['custom-channel', 'simulator'] },
  { name: 'HTTP host', units: ['hosts/http'] },
  { name: 'CLI (the composition root)', units: ['hosts/cli'] },
  { name: 'package entry points (the library API, the servers)', units: ['index.ts', 'servers.ts'] },
];

/** The unit a source path belongs to (`connectors/get-contact/index.ts` → `connectors/get-contact`). */
export function unitOf(path: string): string | undefined {
  const parts = path.split('/');
  if (path === 'index.ts' || path === 'servers.ts') return path;
  if (parts[0] === 'connectors') return parts.length > 2 ? `connectors/${parts[1]}` : 'connectors';
  if (parts[0] === 'hosts') return parts.length > 2 ? `hosts/${parts[1]}` : undefined;
  if (['schemas', 'runtime', 'batch', 'custom-channel', 'simulator'].includes(parts[0] as string)) return parts[0];
  return undefined;
}

export function layerOf(unit: string): number {
  const exact = layers.findIndex((layer) => layer.units.includes(unit));
  if (exact >= 0) return exact;
  if (unit.startsWith('connectors/')) return layers.findIndex((layer) => layer.units.includes('connectors/*'));
  return -1;
}

export interface Edge {
  from: string;
  to: string;
  /** The specifier as written. */
  specifier: string;
}

export interface Violation extends Edge {
  why: string;
}

/** Every arrow that points up or sideways between units, and every file outside the known layers. */
export function violations(edges: readonly Edge[]): Violation[] {
  const found: Violation[] = [];
  for (const edge of edges) {
    const from = unitOf(edge.from);
    const to = unitOf(edge.to);
    if (from === undefined || to === undefined || layerOf(from) < 0 || layerOf(to) < 0) {
      found.push({ ...edge, why: `${from === undefined || layerOf(from) < 0 ? edge.from : edge.to} is in no layer` });
      continue;
    }
    if (from === to) continue;
    const [a, b] = [layerOf(from), layerOf(to)];
    if (b > a) found.push({ ...edge, why: `${from} (${layers[a]?.name}) imports ${to} (${layers[b]?.name}), a higher layer` });
    else if (b === a) found.push({ ...edge, why: `${from} imports ${to}, another unit of the same layer (${layers[a]?.name})` });
  }
  return found;
}

/** Cycles between units, each as the list of units around it (a second check, independent of the layer table). */
export function unitCycles(edges: readonly Edge[]): string[][] {
  const graph = new Map<string, Set<string>>();
  for (const edge of edges) {
    const [from, to] = [unitOf(edge.from), unitOf(edge.to)];
    if (from === undefined || to === undefined || from === to) continue;
    if (!graph.has(from)) graph.set(from, new Set());
    graph.get(from)?.add(to);
  }
  const cycles: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (unit: string): void => {
    state.set(unit, 'open');
    stack.push(unit);
    for (const next of graph.get(unit) ?? []) {
      if (state.get(next) === 'open') cycles.push([...stack.slice(stack.indexOf(next)), next]);
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(unit, 'done');
  };
  for (const unit of [...graph.keys()].sort()) if (!state.has(unit)) visit(unit);
  return cycles;
}

const IMPORT = /(?:^|[\s;])(?:import|export)\s[^'"`;]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|^\s*import\s+['"]([^'"]+)['"]/gm;

/** The relative imports of a TypeScript source (static, `export … from`, dynamic with a literal, side-effect). */
export function importsOf(source: string): string[] {
  const specifiers: string[] = [];
  for (const match of source.matchAll(IMPORT)) {
    const specifier = match[1] ?? match[2] ?? match[3];
    if (specifier?.startsWith('.')) specifiers.push(specifier);
  }
  return specifiers;
}

/** The import edges of every .ts file under `roots` (paths relative to `root`); `.js` specifiers name `.ts` files. */
export function sourceEdges(root: string, roots: readonly string[]): Edge[] {
  const files: string[] = [];
  const walk = (path: string): void => {
    const full = join(root, path);
    if (statSync(full).isDirectory()) {
      for (const name of readdirSync(full)) walk(join(path, name));
    } else if (path.endsWith('.ts') && !path.endsWith('.d.ts')) files.push(path);
  };
  for (const entry of roots) walk(entry);
  return files.flatMap((file) =>
    importsOf(readFileSync(join(root, file), 'utf8')).map((specifier) => ({
      from: file,
      to: relative(root, resolve(root, dirname(file), specifier)).replace(/\.js$/, '.ts'),
      specifier,
    })),
  );
}
