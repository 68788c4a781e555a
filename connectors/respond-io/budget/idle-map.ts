import type { Clock } from '../../../runtime/clock.js';

/** What an IdleMap holds: it tells since when it has had nothing to do (undefined while busy). */
export interface Idler {
  idleSince(): number | undefined;
}

/**
 * A map whose entries are dropped once idle for `idleMs`, so a host serving many organizations does not keep a
 * limiter for each one it has ever seen. Swept on use (at most once per `idleMs / 2`), not by a timer: no timer to
 * clear, and a process that does nothing holds nothing alive. An entry is only dropped while idle, so the one created
 * in its place later starts from the same state (no sends in the last interval, no pause).
 */
export class IdleMap<V extends Idler> {
  readonly #entries = new Map<string, V>();
  readonly #clock: Clock;
  readonly #idleMs: number;
  #sweptAt: number;

  constructor(clock: Clock, idleMs: number) {
    this.#clock = clock;
    this.#idleMs = idleMs;
    this.#sweptAt = clock.now();
  }

  get size(): number {
    return this.#entries.size;
  }

  get(key: string, create: () => V): V {
    this.#sweep();
    let entry = this.#entries.get(key);
    if (!entry) this.#entries.set(key, (entry = create()));
    return entry;
  }

  #sweep(): void {
    const now = this.#clock.now();
    if (now - this.#sweptAt < this.#idleMs / 2) return;
    this.#sweptAt = now;
    for (const [key, entry] of this.#entries) {
      const since = entry.idleSince();
      if (since !== undefined && now - since >= this.#idleMs) this.#entries.delete(key);
    }
  }
}
