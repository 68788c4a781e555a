import type { BatchNames } from '../../batch/names.js';

/** The file batch's messages in the CLI's words: its flags. */
export const cliNames: BatchNames = {
  input: '--input',
  output: '--output',
  checkpoint: '--checkpoint',
  restart: '--restart',
  again: 'run the same command',
};
