import type { FileRunRequest, FileRunResult } from '../runtime/file-run.js';
import type { Plugin } from '../runtime/plugin.js';
import { runFileBatch } from './file-batch.js';
import { formatOfPath } from './formats.js';
import type { BatchNames } from './names.js';

/** The file batch's messages in the library's words: the request's fields. */
export const libraryNames: BatchNames = {
  input: 'rows.file',
  output: 'output.file',
  checkpoint: 'checkpoint.file',
  restart: 'checkpoint: { file, restart: true }',
  again: 'make the same call',
};

/**
 * `plugin.run({ rows: { file }, output: { file }, checkpoint? })`: the CLI's file batch, with the same guarantees
 * (the rows are in the output file, fsynced, before the journal commits them). Formats default as the CLI's do: from
 * the extension, else NDJSON in and the input's format out. A run that could not write its output rejects (the
 * journal is kept: the same call resumes it); a failed or cancelled run resolves with its result.
 */
export async function runFiles(plugin: Plugin, request: FileRunRequest): Promise<FileRunResult> {
  const { rows, output, checkpoint, ...rest } = request;
  const inputFormat = rows.format ?? formatOfPath(rows.file) ?? 'ndjson';
  const outcome = await runFileBatch({
    plugin,
    request: rest,
    input: { path: rows.file, format: inputFormat },
    output: { path: output.file, format: output.format ?? formatOfPath(output.file) ?? inputFormat },
    checkpoint: checkpoint === undefined ? undefined : { file: checkpoint.file, restart: checkpoint.restart === true },
    names: libraryNames,
  });
  if (outcome.outputError) throw new Error(`writing ${output.file} failed: ${outcome.outputError.message}`, { cause: outcome.outputError });
  return outcome.result;
}
