import { StringDecoder } from 'node:string_decoder';
import { MalformedInput } from '../../runtime/pipeline.js';
import { shorten } from './ndjson-reader.js';

/** One element larger than this stops the read (a runaway string would otherwise hold the rest of the file). */
export const MAX_ELEMENT_CHARS = 64 * 1024 * 1024;

/**
 * A JSON array in, streamed: the text is scanned chunk by chunk for the top-level elements (strings, escapes and
 * nesting tracked), and each element is parsed on its own as soon as its end is seen. Memory holds one chunk and one
 * element, never the whole array.
 *
 * - An element that is not valid JSON becomes a MalformedInput naming the line it starts on; the next element is
 *   read normally (elements are split on top-level commas). An empty element (`[1,,2]`, `[1,]`) is malformed too.
 * - Problems of the file as a whole throw, so the run fails as "input failed" whatever the error behavior: the text
 *   does not start with `[`, the array is not closed (a truncated file, or an element whose brackets or quotes never
 *   close, which swallows the rest), or there is text after the closing `]`.
 * - An empty input (only whitespace) is an empty batch, as for NDJSON and CSV.
 */
export async function* readJsonArray(stream: AsyncIterable<Buffer | string>): AsyncGenerator<unknown> {
  const decoder = new StringDecoder('utf8');
  const scanner = new JsonArrayScanner();
  for await (const chunk of stream) {
    yield* scanner.feed(typeof chunk === 'string' ? chunk : decoder.write(chunk));
  }
  yield* scanner.feed(decoder.end());
  scanner.end();
}

type Phase = 'before' | 'elements' | 'after';

class JsonArrayScanner {
  private phase: Phase = 'before';
  private line = 1;
  private depth = 0;
  private inString = false;
  private escaped = false;
  /** The current element: earlier chunks' parts, where it starts in this chunk, the line it starts on. */
  private parts: string[] = [];
  private partsLength = 0;
  private started = false;
  private startLine = 1;
  private separators = 0;

  feed(chunk: string): unknown[] {
    const out: unknown[] = [];
    let from = 0; // start of the current element's text within this chunk
    for (let i = 0; i < chunk.length; i += 1) {
      const c = chunk[i] as string;
      if (this.phase === 'before') {
        if (c === '[') this.phase = 'elements';
        else if (!isBlank(c) && c !== '\uFEFF') {
          const hint = c === '{' ? ' (one object per line is NDJSON: use --format ndjson)' : '';
          throw new Error(`line ${this.line}: the input is not a JSON array: it starts with ${JSON.stringify(c)}${hint}`);
        }
      } else if (this.phase === 'after') {
        if (!isBlank(c)) throw new Error(`line ${this.line}: unexpected text after the end of the JSON array`);
      } else if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (c === '\\') this.escaped = true;
        else if (c === '"') this.inString = false;
      } else if ((c === ',' || c === ']') && this.depth === 0) {
        const text = this.parts.join('') + (this.started ? chunk.slice(from, i) : '');
        const closing = c === ']';
        const element = this.element(text, closing);
        if (element !== undefined) out.push(element);
        if (closing) this.phase = 'after';
        else this.separators += 1;
      } else {
        if (!this.started && !isBlank(c)) {
          this.started = true;
          this.startLine = this.line;
          from = i;
        }
        if (c === '"') this.inString = true;
        else if (c === '{' || c === '[') this.depth += 1;
        else if ((c === '}' || c === ']') && this.depth > 0) this.depth -= 1;
      }
      if (c === '\n') this.line += 1;
    }
    if (this.started) {
      const rest = chunk.slice(from);
      this.parts.push(rest);
      this.partsLength += rest.length;
      if (this.partsLength > MAX_ELEMENT_CHARS) {
        throw new Error(`line ${this.startLine}: an array element is larger than ${MAX_ELEMENT_CHARS / 1024 / 1024} MiB (a quote or bracket that never closes?)`);
      }
    }
    return out;
  }

  end(): void {
    if (this.phase === 'elements') {
      const where = this.started ? `the element starting on line ${this.startLine} runs to the end of the input` : `the input ended on line ${this.line}`;
      throw new Error(`the JSON array is not closed: ${where} (truncated file, or an unbalanced quote or bracket)`);
    }
  }

  /** Ends the current element; undefined for the nothing between `[` and `]` of an empty array. */
  private element(text: string, closing: boolean): unknown {
    const line = this.started ? this.startLine : this.line;
    this.parts = [];
    this.partsLength = 0;
    this.started = false;
    if (text.trim() === '') {
      if (closing && this.separators === 0) return undefined;
      return new MalformedInput(closing ? 'empty array element (a comma before "]")' : 'empty array element (two commas in a row)', line);
    }
    try {
      return JSON.parse(text) as unknown;
    } catch (error) {
      return new MalformedInput(`array element is not valid JSON: ${shorten((error as Error).message)}`, line);
    }
  }
}

function isBlank(c: string): boolean {
  return c === ' ' || c === '\n' || c === '\r' || c === '\t';
}
