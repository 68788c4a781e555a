import { defaultFaultKinds, faultKinds, type FaultKind, type FaultOptions } from './faults.js';

/** A `--faults` string, parsed: the fault options plus the added latency it may carry. */
export interface FaultSpec {
  faults: FaultOptions;
  latencyMs?: [number, number];
}

export class FaultSpecError extends Error {
  override name = 'FaultSpecError';
}

const KEYS = ['rate', 'kinds', 'latency', 'slowMs', 'burstMs'] as const;
const EXAMPLE = 'rate=0.2,kinds=500+502+503+504+reset+slow+truncated+429,latency=20-80,slowMs=20000';

/**
 * Parses `rate=0.2,kinds=500+502+reset,latency=20-80,slowMs=20000,burstMs=1000`. `none`/`off`/'' → no faults.
 * `kinds=all` takes every kind; without `kinds` the transient errors 500/502/503/504/reset are used.
 */
export function parseFaultSpec(text: string): FaultSpec {
  const trimmed = text.trim();
  if (trimmed === '' || trimmed === 'none' || trimmed === 'off') return { faults: { rate: 0 } };
  const fail = (why: string): never => {
    throw new FaultSpecError(`Invalid fault spec ${JSON.stringify(text)}: ${why}. Example: ${EXAMPLE}`);
  };
  const seen = new Map<string, string>();
  for (const part of trimmed.split(',')) {
    const eq = part.indexOf('=');
    if (eq < 0) fail(`"${part.trim()}" is not key=value`);
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (!(KEYS as readonly string[]).includes(key)) fail(`unknown key "${key}" (expected ${KEYS.join(', ')})`);
    if (seen.has(key)) fail(`"${key}" is given twice`);
    if (value === '') fail(`"${key}" has no value`);
    seen.set(key, value);
  }
  const rateText = seen.get('rate');
  if (rateText === undefined) fail('"rate" is required');
  const rate = Number(rateText);
  if (!/^\d*\.?\d+$/.test(rateText as string) || !(rate >= 0 && rate <= 1)) fail(`rate must be a number from 0 to 1, got "${rateText}"`);
  const faults: FaultOptions = { rate, kinds: parseKinds(seen.get('kinds'), fail) };
  const slow = seen.get('slowMs');
  if (slow !== undefined) faults.slowMs = positiveInteger('slowMs', slow, fail);
  const burst = seen.get('burstMs');
  if (burst !== undefined) faults.burstMs = positiveInteger('burstMs', burst, fail);
  const latency = seen.get('latency');
  return latency === undefined ? { faults } : { faults, latencyMs: parseRange(latency, fail) };
}

function parseKinds(text: string | undefined, fail: (why: string) => never): FaultKind[] {
  if (text === undefined) return [...defaultFaultKinds];
  if (text === 'all') return [...faultKinds];
  return text.split('+').map((kind) => {
    const k = kind.trim();
    if (!(faultKinds as readonly string[]).includes(k)) fail(`unknown fault kind "${k}" (expected ${faultKinds.join(', ')} or all)`);
    return k as FaultKind;
  });
}

function positiveInteger(key: string, text: string, fail: (why: string) => never): number {
  if (!/^[0-9]+$/.test(text) || Number(text) < 1) fail(`${key} must be a positive integer (ms), got "${text}"`);
  return Number(text);
}

function parseRange(text: string, fail: (why: string) => never): [number, number] {
  const match = /^([0-9]+)(?:-([0-9]+))?$/.exec(text);
  if (!match) fail(`latency must be N or MIN-MAX in ms, got "${text}"`);
  const min = Number(match?.[1]);
  const max = match?.[2] === undefined ? min : Number(match[2]);
  if (max < min) fail(`latency range ${text} has its maximum below its minimum`);
  return [min, max];
}
