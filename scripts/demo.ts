/**
 * `npm run demo` — the main job, offline: starts the respond.io simulator in-process (documented rate limits on),
 * then runs Get Contact and Get Message over the sample files of examples/ under each of the three error behaviors,
 * through the same CLI code a user runs, and prints the output rows and each run's summary.
 */
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { errorBehaviors } from '../runtime/error-behavior.js';
import { main } from '../runtime/cli/main.js';
import { startSimulator } from '../simulator/index.js';

const examples = (name: string): string => fileURLToPath(new URL(`../examples/${name}`, import.meta.url));

function collect(stream: PassThrough): () => string {
  let text = '';
  stream.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
  return () => text;
}

const indent = (text: string): string => text.trimEnd().split('\n').map((line) => `    ${line}`).join('\n');

const simulator = await startSimulator();
console.log(`respond.io simulator on ${simulator.baseUrl} (seeded data, documented rate limits)\n`);
let worst = 0;
try {
  for (const [connector, file] of [['get-contact', 'get-contact.ndjson'], ['get-message', 'get-message.ndjson']] as const) {
    for (const behavior of errorBehaviors) {
      const stdout = new PassThrough();
      const stderr = new PassThrough();
      const out = collect(stdout);
      const err = collect(stderr);
      const argv = ['run', connector, '--input', examples(file), '--error-behavior', behavior, '--base-url', simulator.baseUrl];
      const code = await main(argv, { stdin: new PassThrough(), stdout, stderr, env: { RESPONDIO_TOKEN: simulator.token } });
      worst = Math.max(worst, code === 2 ? 2 : 0);
      console.log(`$ RESPONDIO_TOKEN=… respondio-connectors run ${connector} --input examples/${file} --error-behavior "${behavior}" --base-url ${simulator.baseUrl}   → exit ${code}`);
      console.log('  output rows:');
      console.log(out().trim() ? indent(out()) : '    (none)');
      console.log('  summary (stderr):');
      console.log(indent(err()));
      console.log('');
    }
  }
  const { stats } = simulator;
  console.log(`the simulator answered ${stats.totalRequests} requests, ${stats.totalRateLimited} of them 429 (pacing keeps this at 0):`);
  for (const [endpoint, entry] of Object.entries(stats.endpoints)) console.log(`  ${endpoint}: ${JSON.stringify(entry.byStatus)}`);
} finally {
  await simulator.close();
}
// The demo itself fails only when a run could not even be configured (exit 2); failed runs are part of the show.
process.exitCode = worst;
