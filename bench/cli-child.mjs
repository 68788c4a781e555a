// The CLI as installed (dist/), with connector options set for every run: by default the respond.io client's pacing
// off (the memory benchmark streams up to 1M rows against the simulator with limits off, and 10 requests per second
// would take a day); BENCH_CONNECTOR_OPTIONS (JSON) replaces that default, e.g. {"coalesce":false} for the
// shared-budget benchmark's reference rows. Everything else (readers, pipeline, client, writers, process handling)
// is the shipped code path. Built by `npm run build`.
import { runAsProcess } from '../dist/hosts/cli/process.js';
import { loadPlugin } from '../dist/connectors/index.js';

const options = JSON.parse(process.env.BENCH_CONNECTOR_OPTIONS ?? '{"pacing":false}');
const plugin = await loadPlugin();
const run = plugin.run.bind(plugin);
plugin.run = (request) => run({ ...request, connectorOptions: { ...request.connectorOptions, ...options } });
await runAsProcess({ plugin });
