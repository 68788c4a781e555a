import { once } from 'node:events';
import type { Writable } from 'node:stream';

/**
 * Writes one piece of text and waits for 'drain' when the stream's buffer is full, so a slow consumer (a pipe,
 * a disk) slows the run down instead of filling memory. Each call writes whole lines, so a stop between calls never
 * leaves half a line.
 */
export async function writeText(stream: Writable, text: string): Promise<void> {
  if (stream.destroyed || stream.writableEnded) throw new Error('the output is closed');
  if (!stream.write(text)) await drained(stream);
}

async function drained(stream: Writable): Promise<void> {
  const abort = new AbortController();
  try {
    await Promise.race([
      once(stream, 'drain', { signal: abort.signal }),
      once(stream, 'close', { signal: abort.signal }).then(() => {
        throw new Error('the output was closed');
      }),
      // once() rejects with the stream's error on 'error'.
    ]);
  } finally {
    abort.abort();
  }
}

/** Ends a file output and waits until it is on disk; stdout is only flushed (a process cannot close it). */
export async function finish(stream: Writable, owned: boolean): Promise<void> {
  if (owned) {
    if (!stream.writableFinished) {
      const done = once(stream, 'close');
      stream.end();
      await done;
    }
    return;
  }
  if (stream.writableNeedDrain) await drained(stream);
}
