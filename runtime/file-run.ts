import type { Plugin, RunRequest } from './plugin.js';
import type { RunResult } from './run-result.js';

export const fileFormats = ['ndjson', 'json', 'csv'] as const;
export type FileFormat = (typeof fileFormats)[number];

/** Rows in (or out of) a file: a source that can be opened again and read from where an interrupted run stopped. */
export interface RowFile {
  file: string;
  /** Default: from the extension (.ndjson/.jsonl, .json, .csv); else NDJSON in, and out the input's format. */
  format?: FileFormat;
}

export interface CheckpointOption {
  /** The journal: the same call again resumes after the last committed row; a finished run removes it. */
  file: string;
  /** Throw the journal away and start over. */
  restart?: boolean;
}

/** A run from a file to a file, journaled when `checkpoint` is given (the CLI's `run -i … -o … --checkpoint …`). */
export interface FileRunRequest extends Omit<RunRequest, 'rows' | 'inputs' | 'output' | 'checkpoint' | 'firstRow' | 'callGuard'> {
  rows: RowFile;
  output: RowFile;
  checkpoint?: CheckpointOption | undefined;
}

/** The run result, counted over every leg of a resumed run; `resumed` says from which input row this leg went on. */
export type FileRunResult = RunResult & { resumed?: { fromRow: number } };

/** Runs file batches for a plugin: the files layer (batch/) provides it, the core only knows its shape. */
export type FileRunner = (plugin: Plugin, request: FileRunRequest) => Promise<FileRunResult>;

export function isRowFile(value: unknown): value is RowFile {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && typeof (value as { file?: unknown }).file === 'string';
}
