import { createHash } from 'node:crypto';
import { open, readFile, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { CustomChannelOutboxRow } from '../schemas/generated/row-types.js';
import { ProviderFailure, type ProviderAdapter } from './adapter.js';
import { canonicalJson } from './canonical-json.js';

export interface OutboxAdapterOptions {
  /** The NDJSON file; created if missing, only ever appended to. */
  file: string;
  /**
   * How long a resend of the same message (same channel, contact and message content) is recognised and answered
   * with the first mId instead of being appended again. respond.io documents no retry policy for /message, so this
   * covers its resends after a timeout; it is a window, not forever, because a contact may legitimately be sent the
   * same text twice ("OK") and that second message must go out. Default 10 minutes.
   */
  dedupeWindowMs?: number;
  /** Wall clock in ms (tests pass a fake). */
  now?: () => number;
}

export const DEFAULT_DEDUPE_WINDOW_MS = 10 * 60_000;

interface Seen {
  mId: string;
  at: number;
}

/**
 * The no-code adapter: each accepted message becomes one line of an append-only NDJSON file (a row of
 * 'Respond.io - Custom Channel Outbox Row' 1.0.0) that a workflow engine reads as input rows. A line is fsync'd
 * before respond.io hears 200, so an acknowledged message survives a crash. The resend index is rebuilt from the
 * file at start, so idempotency survives a restart too.
 */
export async function createOutboxAdapter(options: OutboxAdapterOptions): Promise<ProviderAdapter & { readonly file: string }> {
  const windowMs = options.dedupeWindowMs ?? DEFAULT_DEDUPE_WINDOW_MS;
  if (!Number.isInteger(windowMs) || windowMs < 0) throw new RangeError(`dedupeWindowMs must be an integer ≥ 0, got ${JSON.stringify(windowMs)}`);
  const now = options.now ?? Date.now;
  const seen = new Map<string, Seen>();

  const existing = await readExisting(options.file);
  for (const row of existing.rows) {
    const at = Date.parse(row.ReceivedAt);
    if (Number.isFinite(at)) seen.set(contentKey(row.ChannelID, row.ContactID, row.Message), { mId: row.MessageID, at });
  }
  const handle = await open(options.file, 'a');
  if (existing.created) await syncDirectory(dirname(options.file));
  // A crash in the middle of a write leaves a line without its newline: end it, so the next line stays parseable.
  if (existing.endsMidLine) await handle.write('\n');

  // One write at a time: two resends arriving together must not both pass the index check and both append.
  let queue: Promise<unknown> = Promise.resolve();
  const serialized = <T>(task: () => Promise<T>): Promise<T> => {
    const result = queue.then(task, task);
    queue = result.catch(() => undefined);
    return result;
  };

  return {
    name: 'outbox',
    file: options.file,
    send: (message) =>
      serialized(async () => {
        const at = now();
        const key = contentKey(message.channelId, message.contactId, message.message);
        const previous = seen.get(key);
        if (previous && at - previous.at <= windowMs) return { mId: previous.mId };
        // Content hash + time: stable for the resend (answered from the index), distinct for a later identical
        // message; 32 + 1 + ≤ 9 characters, within respond.io's 50.
        const mId = `${key.slice(0, 32)}-${at.toString(36)}`;
        const row: CustomChannelOutboxRow = {
          MessageID: mId,
          ChannelID: message.channelId,
          ContactID: message.contactId,
          MessageType: String(message.message.type),
          Message: message.message as unknown as CustomChannelOutboxRow['Message'],
          ReceivedAt: new Date(at).toISOString(),
        };
        try {
          await handle.write(`${JSON.stringify(row)}\n`);
          await handle.sync();
        } catch (error) {
          throw new ProviderFailure(503, 'the outbox file could not be written; respond.io may resend the message', { cause: error });
        }
        seen.set(key, { mId, at });
        prune(seen, at, windowMs);
        return { mId };
      }),
    close: async () => {
      await queue;
      await handle.close();
    },
  };
}

function contentKey(channelId: string, contactId: string, message: unknown): string {
  return createHash('sha256').update(canonicalJson({ channelId, contactId, message })).digest('hex');
}

function prune(seen: Map<string, Seen>, at: number, windowMs: number): void {
  // Cheap amortised cleanup: Map iterates in insertion order, so the oldest entries come first.
  for (const [key, entry] of seen) {
    if (at - entry.at <= windowMs) break;
    seen.delete(key);
  }
}

async function readExisting(file: string): Promise<{ rows: CustomChannelOutboxRow[]; created: boolean; endsMidLine: boolean }> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { rows: [], created: true, endsMidLine: false };
    throw error;
  }
  const rows: CustomChannelOutboxRow[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    try {
      rows.push(JSON.parse(line) as CustomChannelOutboxRow);
    } catch {
      // A torn last line from a crash: that message was never acknowledged, respond.io will resend it.
    }
  }
  return { rows, created: false, endsMidLine: text.length > 0 && !text.endsWith('\n') };
}

/** fsync the folder so the new file's directory entry is durable too (best effort: not every platform allows it). */
async function syncDirectory(dir: string): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch {
    // Windows and some file systems refuse fsync on a directory; the file's own fsync still holds.
  } finally {
    await handle?.close();
  }
}
