/**
 * Lets `count` turns of the event loop pass (setImmediate, no timer): work that waits on nothing but promises and
 * async iteration — a runtime pulling input, a list yielding rows — gets every chance to run ahead, and real time
 * decides nothing. 200 turns is far more than any such chain in the runtime needs.
 */
export async function eventLoopTurns(count = 200): Promise<void> {
  for (let turn = 0; turn < count; turn += 1) await new Promise((resolve) => setImmediate(resolve));
}

/** A promise that never settles: a gated fake call that only an abort can end. */
export const never = (): Promise<void> => new Promise<void>(() => undefined);
