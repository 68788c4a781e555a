import { distance } from 'fastest-levenshtein';

/**
 * The candidate a typo most likely meant (`get-contat` → `get-contact`), or undefined when none is close: at most
 * a third of the word's letters (and at least 2) may differ, so a wholly different word gets no suggestion.
 */
export function closestName(word: string, candidates: readonly string[]): string | undefined {
  const typed = word.toLowerCase();
  let best: { name: string; cost: number } | undefined;
  for (const name of candidates) {
    const cost = distance(typed, name.toLowerCase());
    if (best === undefined || cost < best.cost) best = { name, cost };
  }
  return best !== undefined && best.cost <= Math.max(2, Math.floor(typed.length / 3)) ? best.name : undefined;
}
