import { extname } from 'node:path';
import { fileFormats, type FileFormat } from '../runtime/file-run.js';

export const formats = fileFormats;
export type Format = FileFormat;

/** Without --format: the input file's extension decides (.json, .csv, .ndjson/.jsonl), else NDJSON. */
export function formatOfPath(path: string | undefined): Format | undefined {
  if (path === undefined || path === '-') return undefined;
  const extension = extname(path).toLowerCase();
  if (extension === '.csv') return 'csv';
  if (extension === '.json') return 'json';
  if (extension === '.ndjson' || extension === '.jsonl') return 'ndjson';
  return undefined;
}
