
/**
 * An event's identity: a message and its receipts share one mId, so the type and the status value are part of it
 * (message X, then "delivered" for X, then "read" for X are three events).
 */
export function webhookEventKey(contactId: string, event: { type: string; mId: string; status?: { value?: unknown } }): string {
  const status = event.status?.value;
  return JSON.stringify([contactId, event.type, event.mId, typeof status === 'string' ? status : null]);
}

/**
 * Which events respond.io has accepted (bounded, oldest forgotten first), and which are being posted right now, so
 * that two rows carrying the same event do not both post it.
 */
export class WebhookLedger {
  private readonly done = new Set<string>();
  private readonly pending = new Map<string, Promise<void>>();

  constructor(private readonly capacity: number) {}

  accepted(key: string): boolean {
    return this.done.has(key);
  }

  accept(keys: readonly string[]): void {
    for (const key of keys) {
      this.done.delete(key);
      this.done.add(key);
    }
    for (const key of this.done) {
      if (this.done.size <= this.capacity) break;
      this.done.delete(key);
    }
  }

  /**
   * A promise to wait on while one of these events is in flight, or undefined when none is. Synchronous on purpose:
   * the caller checks and marks in the same tick, so two concurrent posts of one event cannot both pass.
   */
  busy(keys: readonly string[]): Promise<void> | undefined {
    const waits = keys.map((key) => this.pending.get(key)).filter((wait): wait is Promise<void> => wait !== undefined);
    return waits.length === 0 ? undefined : Promise.all(waits).then(() => undefined);
  }

  /** Marks events in flight; call the returned function when the post ended. */
  inFlight(keys: readonly string[]): () => void {
    let release!: () => void;
    const wait = new Promise<void>((resolve) => (release = resolve));
    for (const key of keys) this.pending.set(key, wait);
    return () => {
      for (const key of keys) if (this.pending.get(key) === wait) this.pending.delete(key);
      release();
    };
  }
}
