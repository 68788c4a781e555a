/**
 * The CLI straight from the sources, for development and for the test that spawns a real process:
 * `node --import tsx hosts/cli/entry.ts describe` behaves like `respondio-connectors describe` without a build.
 */
import { runAsProcess } from './process.js';

await runAsProcess();
