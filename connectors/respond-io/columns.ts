import type { JsonValue } from '../../schemas/generated/row-types.js';

/**
 * Small converters from respond.io body values to output column values, shared by the row connectors. They never
 * throw: a value of an unexpected type becomes null rather than failing a row that respond.io answered with 200.
 */
export const stringOrNull = (value: unknown): string | null => (typeof value === 'string' ? value : null);

/** Integer columns; an integer sent as a string ("12345") is accepted too. */
export function numberOrNull(value: unknown): number | null {
  if (typeof value === 'number' && Number.isSafeInteger(value)) return value;
  if (typeof value === 'string' && /^-?\d{1,15}$/.test(value)) return Number(value);
  return null;
}

/** String columns fed by ids that respond.io sends as a number or a string (messageId, channelMessageId). */
export function idString(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if (Number.isFinite(value)) return String(value); // false for anything but a number: Number.isFinite does not coerce
  return null;
}

/** JSON columns (JSON v1.0.0 allows any value but null): null and undefined become a null column. */
export const json = (value: unknown): JsonValue | null => (value ?? null) as JsonValue | null;

/** Unix seconds → ISO-8601 (the DateTime column); missing or not a finite number → null. */
export function isoFromUnixSeconds(value: unknown): string | null {
  const seconds = typeof value === 'string' && /^\d+(\.\d+)?$/.test(value) ? Number(value) : value;
  if (typeof seconds !== 'number' || !Number.isFinite(seconds)) return null;
  const date = new Date(seconds * 1000);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

/**
 * A generated row interface as a plain object type: interfaces have no implicit index signature, so they do not
 * satisfy the runtime's `Row` (Record<string, unknown>); the mapped copy does, with the same columns.
 */
export type Columns<T> = { [K in keyof T]: T[K] };
