import { Readable } from 'node:stream';
import { MalformedInput } from '../../runtime/pipeline.js';

export const NDJSON = 'application/x-ndjson';

/** One line of an NDJSON body: its number (from 1, blank lines counted) and text, or the fact it was too long. */
export type Line = { number: number; text: string; tooLong?: false } | { number: number; tooLong: true };

/**
 * Splits a byte stream into lines, pulling the next chunk only when the consumer asks for the next line: the
 * request body is read as fast as the run takes rows, no faster. A line longer than `maxLineBytes` is not kept in
 * memory: it is skipped to its end and reported as too long.
 */
export async function* readLines(source: AsyncIterable<Buffer | string>, maxLineBytes: number): AsyncGenerator<Line> {
  let parts: Buffer[] = [];
  let size = 0;
  let tooLong = false;
  let number = 0;
  const append = (piece: Buffer): void => {
    if (tooLong || piece.length === 0) return;
    if (size + piece.length > maxLineBytes) {
      tooLong = true;
      parts = [];
      size = 0;
      return;
    }
    parts.push(piece);
    size += piece.length;
  };
  const take = (): Line => {
    number += 1;
    const line: Line = tooLong
      ? { number, tooLong: true }
      : { number, text: Buffer.concat(parts, size).toString('utf8').replace(/\r$/, '') };
    parts = [];
    size = 0;
    tooLong = false;
    return line;
  };
  for await (const chunk of source) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    let start = 0;
    for (;;) {
      const newline = buffer.indexOf(10, start);
      if (newline === -1) {
        append(buffer.subarray(start));
        break;
      }
      append(buffer.subarray(start, newline));
      yield take();
      start = newline + 1;
    }
  }
  if (size > 0 || tooLong) yield take();
}

/** A line as a row for the runtime: the parsed value, or a MalformedInput naming the line (the run goes on). */
export function rowOfLine(line: Line, maxLineBytes: number): unknown {
  if (line.tooLong) return new MalformedInput(`line is longer than ${maxLineBytes} bytes`, line.number);
  try {
    return JSON.parse(line.text);
  } catch {
    // JSON.parse's message quotes the text; the line number is enough to find it.
    return new MalformedInput('not valid JSON', line.number);
  }
}

export const isBlank = (line: Line): boolean => !line.tooLong && line.text.trim() === '';

/** The optional first line `{"settings":{…},"connection":{…},"concurrency":N}`: only those keys, at least one. */
export interface HeaderLine {
  settings?: Record<string, unknown>;
  connection?: Record<string, unknown>;
  concurrency?: number;
}

const HEADER_KEYS = new Set(['settings', 'connection', 'concurrency']);

export function headerOf(value: unknown): HeaderLine | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const keys = Object.keys(value);
  if (keys.length === 0 || !keys.every((key) => HEADER_KEYS.has(key))) return undefined;
  return value as HeaderLine;
}

/**
 * Serialises an async iterable of values as NDJSON, as a stream that asks for the next value only when the socket
 * has taken the previous ones (highWaterMark 1): a client that stops reading stops the run from being pulled.
 * Destroying the stream (client gone) returns the iterator, which cancels the run.
 */
export function ndjsonStream(values: AsyncIterable<unknown>): Readable {
  async function* lines(): AsyncGenerator<string> {
    for await (const value of values) yield `${JSON.stringify(value)}\n`;
  }
  return Readable.from(lines(), { objectMode: false, highWaterMark: 1 });
}
