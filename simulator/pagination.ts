import type { FastifyRequest } from 'fastify';

export const DEFAULT_LIMIT = 10;
export const MAX_LIMIT = 100;

export type PageQuery = { ok: true; limit: number; cursorId?: number } | { ok: false; message: string };

/** Reads `limit` (default 10, 1 … 100) and `cursorId` (a positive integer) from the query string. */
export function readPageQuery(query: unknown): PageQuery {
  const q = (query ?? {}) as Record<string, unknown>;
  const limitText = q.limit;
  let limit = DEFAULT_LIMIT;
  if (limitText !== undefined) {
    if (typeof limitText !== 'string' || !/^[0-9]{1,4}$/.test(limitText) || Number(limitText) < 1 || Number(limitText) > MAX_LIMIT) {
      return { ok: false, message: `limit must be an integer from 1 to ${MAX_LIMIT}` };
    }
    limit = Number(limitText);
  }
  const cursorText = q.cursorId;
  if (cursorText === undefined || cursorText === '') return { ok: true, limit };
  if (typeof cursorText !== 'string' || !/^[0-9]{1,18}$/.test(cursorText) || Number(cursorText) < 1) {
    return { ok: false, message: 'cursorId must be a positive integer' };
  }
  return { ok: true, limit, cursorId: Number(cursorText) };
}

export interface Page<T> {
  items: T[];
  /** cursorId of the next page; undefined at the end. */
  next?: number;
  /** cursorId of the previous page; null when the previous page is the first one (no cursor); undefined on page 1. */
  previous?: number | null;
}

/**
 * Cursor paging over a list sorted by id, DESCENDING (newest first, as respond.io lists): a page holds the items
 * whose id is below the cursor, so items created while a client walks the list never shift the pages it has left.
 */
export function paginate<T>(items: readonly T[], idOf: (item: T) => number, limit: number, cursorId?: number): Page<T> {
  let start = 0;
  if (cursorId !== undefined) {
    // First index whose id < cursorId (ids descend).
    let low = 0;
    let high = items.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (idOf(items[mid] as T) < cursorId) high = mid;
      else low = mid + 1;
    }
    start = low;
  }
  const page = items.slice(start, start + limit);
  const result: Page<T> = { items: page };
  const last = page.at(-1);
  if (last !== undefined && start + limit < items.length) result.next = idOf(last);
  if (start > 0) {
    const previousStart = Math.max(0, start - limit);
    result.previous = previousStart === 0 ? null : idOf(items[previousStart - 1] as T);
  }
  return result;
}

/** The full URL of a page of the current endpoint (what respond.io puts in pagination.next / previous). */
export function pageUrl(request: FastifyRequest, limit: number, cursorId: number | null): string {
  const path = request.url.split('?')[0] ?? '';
  const query = cursorId === null ? `limit=${limit}` : `limit=${limit}&cursorId=${cursorId}`;
  return `${request.protocol}://${request.host}${path}?${query}`;
}
