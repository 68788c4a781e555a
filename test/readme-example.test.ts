import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { startSimulator } from '../simulator/index.js';

// The README's library example, taken from the README itself (so the two cannot drift) and run against the simulator.
t.test('the README library example runs and prints the rows and the result', async (t) => {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const section = readme.slice(readme.indexOf('## Library API'));
  const code = /```ts\n([\s\S]*?)```/.exec(section)?.[1];
  if (!code) throw new Error('no ts block under "## Library API" in README.md');
  const runtimeEntry = fileURLToPath(new URL('../index.js', import.meta.url));
  const dir = new URL('./.generated/', import.meta.url);
  mkdirSync(dir, { recursive: true });
  const file = new URL('readme-example.ts', dir);
  writeFileSync(file, code.replace("from 'respondio-connectors'", `from ${JSON.stringify(runtimeEntry)}`));

  const simulator = await startSimulator();
  t.teardown(() => simulator.close());
  const printed: unknown[][] = [];
  const log = console.log;
  console.log = (...args: unknown[]) => void printed.push(args);
  process.env.RESPONDIO_TOKEN = simulator.token;
  process.env.RESPONDIO_BASE_URL = simulator.baseUrl;
  try {
    await import(file.href);
  } finally {
    console.log = log;
    delete process.env.RESPONDIO_TOKEN;
    delete process.env.RESPONDIO_BASE_URL;
  }
  const manifest = JSON.parse(readFileSync(new URL('../manifest.json', import.meta.url), 'utf8')) as { connectors: { id: string; name: string }[] };
  t.same(printed[0]?.[0], manifest.connectors.map((c) => `${c.id}: ${c.name}`));
  t.match(printed[1]?.[0], { StatusCode: 200, ID: 1001 });
  t.match(printed[2]?.[0], { StatusCode: 200, Email: 'jane.tan.1004@example.com' });
  t.match(printed[3]?.[0], { status: 'succeeded', rowsRead: 2, rowsEmitted: 2, errorRows: 0 });
});
