#!/usr/bin/env node
// The installed command. Everything it does (process streams, SIGINT/SIGTERM → graceful stop, exit code) lives in
// hosts/cli/process.ts, compiled to dist/ by `npm run build` (run by npm's `prepare` on install from git and on
// `npm ci` in a clone). From the sources without a build: `node --import tsx hosts/cli/entry.ts …`.
let runAsProcess;
try {
  ({ runAsProcess } = await import('../dist/hosts/cli/process.js'));
} catch (error) {
  if (error?.code !== 'ERR_MODULE_NOT_FOUND') throw error;
  process.stderr.write('respondio-connectors: dist/ is missing; run `npm run build` first (or `node --import tsx hosts/cli/entry.ts`)\n');
  process.exit(2);
}
await runAsProcess();
