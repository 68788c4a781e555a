// The CLI as installed (dist/), with the respond.io client's pacing off: the memory benchmark streams up to 1M rows
// against the simulator with limits off, and 10 requests per second would take a day. Everything else (readers,
// pipeline, client, writers, process handling) is the shipped code path. Built by `npm run build`.
import { runAsProcess } from '../dist/hosts/cli/process.js';
import { loadPlugin } from '../dist/connectors/index.js';

const plugin = await loadPlugin();
const run = plugin.run.bind(plugin);
plugin.run = (request) => run({ ...request, connectorOptions: { ...request.connectorOptions, pacing: false } });
await runAsProcess({ plugin });
