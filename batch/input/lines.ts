import { StringDecoder } from 'node:string_decoder';

export interface Line {
  /** The line without its end (`\n` or `\r\n`) and, on line 1, without a UTF-8 byte-order mark. */
  text: string;
  /** From 1. */
  number: number;
}

/**
 * Splits a byte or text stream into lines as it arrives: one chunk in memory at a time (plus a partial line), and
 * the stream is not read further while the consumer holds a line (backpressure through `for await`). A last line
 * without a newline is still yielded. Breaking out of the loop destroys the stream.
 */
export async function* readLines(stream: AsyncIterable<Buffer | string>): AsyncGenerator<Line> {
  const decoder = new StringDecoder('utf8');
  let partial = '';
  let number = 0;
  const take = (text: string): Line => {
    number += 1;
    let clean = text.endsWith('\r') ? text.slice(0, -1) : text;
    if (number === 1 && clean.startsWith('\uFEFF')) clean = clean.slice(1);
    return { text: clean, number };
  };
  for await (const chunk of stream) {
    partial += typeof chunk === 'string' ? chunk : decoder.write(chunk);
    let end = partial.indexOf('\n');
    while (end !== -1) {
      const line = take(partial.slice(0, end));
      partial = partial.slice(end + 1);
      yield line;
      end = partial.indexOf('\n');
    }
  }
  partial += decoder.end();
  if (partial.length > 0) yield take(partial);
}
