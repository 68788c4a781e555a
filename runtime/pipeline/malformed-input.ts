/**
 * What a reader yields in place of a row it could not parse (a malformed NDJSON or CSV line). The pipeline turns it
 * into a 400 error row naming the line, so the run goes on where the error behavior says.
 */
export class MalformedInput {
  constructor(
    readonly reason: string,
    readonly line?: number,
  ) {}
}
