import type { Row } from './connector.js';

/**
 * What one row may carry. An upstream answer can hold anything (a 200 MB string, JSON nested 100,000 levels); a row
 * over these limits fails alone, naming the column, before validation or any writer sees it (JSON.stringify of very
 * deep nesting overflows the stack, and one huge cell is the memory of a whole run).
 *
 * The figures: respond.io documents its longest text field at 7,000 characters (a message, seed 002) and most others
 * at 50–2,000; 64 Ki characters for a string column leaves room for every documented one. JSON columns (a message
 * object, tags, custom fields) get 1 MiB serialized and 64 levels: the deepest documented shape (a WhatsApp
 * template's components) is under 10.
 */
export interface RowLimits {
  /** Characters of one string column. */
  maxStringLength: number;
  /** Levels of nesting of a JSON column (an object or array is one level). */
  maxDepth: number;
  /** Characters of a JSON column once serialized (counted while walking, stopped at the limit). */
  maxJsonChars: number;
}

export const defaultRowLimits: Readonly<RowLimits> = Object.freeze({ maxStringLength: 65_536, maxDepth: 64, maxJsonChars: 1_048_576 });

const count = (n: number): string => n.toLocaleString('en-US');

/**
 * What breaks a limit, naming the column; undefined when the row is within them. Never recursive, never throws.
 * It also refuses what JSON cannot carry (a BigInt, a function, a Map, a cycle — caught by the depth limit — or a
 * getter that throws), so that every row the core lets out can be serialized by every writer (CLI NDJSON, JSON and
 * CSV, the HTTP host's NDJSON and JSON answers, run storage): a connector bug costs one row, never the run.
 */
export function rowLimitProblem(row: Row, limits: RowLimits = defaultRowLimits): string | undefined {
  try {
    return limitProblem(row, limits);
  } catch (error) {
    return `cannot be read as JSON (${error instanceof Error ? error.message.slice(0, 200) : 'a value threw'})`;
  }
}

function limitProblem(row: Row, limits: RowLimits): string | undefined {
  for (const column of Object.keys(row)) {
    const value = row[column];
    const alien = notJson(value);
    if (alien !== undefined) return `column '${column}' holds ${alien}, which JSON cannot carry`;
    if (typeof value === 'string') {
      if (value.length > limits.maxStringLength) return `column '${column}' is ${count(value.length)} characters long, more than the ${count(limits.maxStringLength)} a row may carry`;
    } else if (value !== null && typeof value === 'object') {
      const problem = jsonProblem(value, limits);
      if (problem !== undefined) return `column '${column}' ${problem}`;
    }
  }
  return undefined;
}

/** An iterative walk: depth and an estimate of the serialized size (a lower bound, so the check never passes a row it should stop). */
function jsonProblem(root: object, limits: RowLimits): string | undefined {
  const stack: [unknown, number][] = [[root, 1]];
  let chars = 0;
  while (stack.length > 0) {
    const [value, depth] = stack.pop() as [unknown, number];
    const alien = notJson(value);
    if (alien !== undefined) return `holds ${alien}, which JSON cannot carry`;
    if (typeof value === 'string') chars += value.length + 2;
    else if (value === null || typeof value !== 'object') chars += String(value).length;
    else {
      if (depth > limits.maxDepth) return `is nested more than ${limits.maxDepth} levels deep`;
      chars += 2;
      if (Array.isArray(value)) {
        for (const item of value) stack.push([item, depth + 1]);
        chars += value.length;
      } else {
        for (const key of Object.keys(value)) {
          chars += key.length + 4;
          stack.push([(value as Record<string, unknown>)[key], depth + 1]);
        }
      }
    }
    if (chars > limits.maxJsonChars) return `is more than ${count(limits.maxJsonChars)} characters of JSON, the most a row may carry`;
  }
  return undefined;
}

/** What a value is when JSON cannot carry it as is; undefined for strings, finite numbers, booleans, null, arrays and plain objects. */
function notJson(value: unknown): string | undefined {
  if (typeof value === 'bigint') return 'a BigInt';
  if (typeof value === 'function' || typeof value === 'symbol') return `a ${typeof value}`;
  if (typeof value === 'number' && !Number.isFinite(value)) return `the number ${String(value)}`;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const prototype: unknown = Object.getPrototypeOf(value);
  // A class instance may have a toJSON that throws or changes its shape: only plain objects are walked.
  if (prototype !== Object.prototype && prototype !== null) return `an instance of ${(value as { constructor?: { name?: string } }).constructor?.name || 'a class'}`;
  return undefined;
}
