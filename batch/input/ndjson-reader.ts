import { MalformedInput } from '../../runtime/pipeline.js';
import { readLines } from './lines.js';

/**
 * NDJSON in: one JSON value per line, read line by line. Blank lines are skipped (they still count for line
 * numbers). A line that is not JSON becomes a MalformedInput naming its line, so the run turns it into an error
 * row and goes on where the error behavior says. A line that parses to something other than an object (`42`,
 * `[1]`) is passed as is: the runtime's input validation reports it ("a row must be a JSON object").
 */
export async function* readNdjson(stream: AsyncIterable<Buffer | string>): AsyncGenerator<unknown> {
  for await (const { text, number } of readLines(stream)) {
    if (text.trim() === '') continue;
    try {
      yield JSON.parse(text) as unknown;
    } catch (error) {
      yield new MalformedInput(`not valid JSON: ${shorten((error as Error).message)}`, number);
    }
  }
}

/** JSON.parse quotes the line it failed on; a 10 MB line must not become a 10 MB error message. */
export function shorten(text: string, max = 160): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
