import { createRandom, type Random } from '../../simulator/prng.js';

/**
 * The seed of every random choice the tests make (fast-check properties, random latencies). Fixed, so a run is the
 * same run every time (same cases, same assertion count); `RC_TEST_SEED=<n> npm test` explores other ones, and a
 * failing property prints the seed and path that replay it.
 */
export const TEST_SEED = Number(process.env.RC_TEST_SEED ?? 20_261_201);

/** fast-check options: the seed above, and the given number of runs. */
export const propertyRuns = (numRuns: number): { seed: number; numRuns: number } => ({ seed: TEST_SEED, numRuns });

/** A seeded PRNG for a test (a stream of its own per `stream` name, so tests do not disturb each other's draws). */
export function testRandom(stream: string): Random {
  let hash = TEST_SEED >>> 0;
  for (const char of stream) hash = Math.imul(hash ^ char.charCodeAt(0), 0x01000193) >>> 0;
  return createRandom(hash);
}
