/**
 * Every documented example runs as written (issue 16). The sh/bash and ts blocks of the READMEs below are taken from
 * the files themselves and run: a README's shell blocks in order in one bash session, in a temp folder holding a copy
 * of examples/, against the simulator, HTTP host and Custom Channel server its own `background` blocks start; its ts
 * blocks in this process against a simulator started here. A marker right before a block changes that:
 * `<!-- docs-test: skip — reason -->` or `<!-- docs-test: background -->` (see test/docs/markdown-blocks.ts).
 * Output a block shows as a `# {…}` comment is checked against what it printed (test/docs/expected-output.ts).
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import t, { type Test } from 'tap';
import { startSimulator } from '../../simulator/index.js';
import { customChannelSimulatorPlugin, WebhookRecorder } from '../../simulator/custom-channel.js';
import { expectedOutputs, missingFragment } from './expected-output.js';
import { extractBlocks, isShell, isTypeScript, type MarkdownBlock } from './markdown-blocks.js';
import { ShellSession, type BackgroundBlock } from './shell-session.js';

// The READMEs under test; connectors/<id>/README.md are generated pages and join this list once they are settled.
const READMES = [
  'README.md',
  'hosts/cli/README.md',
  'hosts/http/README.md',
  'custom-channel/README.md',
  'simulator/README.md',
  'examples/README.md',
  'connectors/respond-io/README.md',
  'BENCHMARKS.md',
];

// Each README's CLI calls start a Node process (~1 s idle, up to ~10 s on a loaded 2-core machine); the READMEs
// run side by side, so the file takes about as long as its longest README.
t.setTimeout(240_000);

const root = fileURLToPath(new URL('../../', import.meta.url));
const BLOCK_TIMEOUT_MS = 120_000;
// The ports the docs name; each run gets free ones instead, so the test never meets a server someone else started.
const DOC_PORTS = ['4010', '8080', '3000', '8081', '8082', '6390'];

async function freePort(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return String(address.port);
}

/** The docs' ports replaced by free ones, fresh for each README (READMEs run side by side). */
async function portRewriter(): Promise<(text: string) => string> {
  const ports = new Map<string, string>();
  for (const port of DOC_PORTS) ports.set(port, await freePort());
  return (text) => text.replace(new RegExp(`\\b(${DOC_PORTS.join('|')})\\b`, 'g'), (port) => ports.get(port) ?? port);
}

// What the README's ts blocks run against: a seed-1 simulator with the doc's Custom Channel as its webhook channel.
const recorder = new WebhookRecorder();
const simulator = await startSimulator({
  plugins: [customChannelSimulatorPlugin({ channels: [{ channelId: 'gfd8g7fd89dgfd', apiToken: 'sim-token-1-7609c4eb', idType: 'Phone Number' }], recorder })],
});
t.teardown(() => simulator.close());
t.equal(simulator.token, 'sim-token-1-7609c4eb', "the docs' seed-1 token is the simulator's");

const generated = join(root, 'test/.generated/docs');
mkdirSync(generated, { recursive: true });

const describeBlock = (file: string, block: MarkdownBlock): string => `${file}:${block.line} (${block.lang})`;

async function runTypeScript(t: Test, file: string, block: MarkdownBlock, cwd: string): Promise<unknown[][]> {
  const source = block.code
    .replaceAll("from 'respondio-connectors/servers'", `from ${JSON.stringify(join(root, 'servers.js'))}`)
    .replaceAll("from 'respondio-connectors'", `from ${JSON.stringify(join(root, 'index.js'))}`);
  t.notMatch(source, /from '\.{1,2}\//, `${describeBlock(file, block)} imports from 'respondio-connectors', not by a source path`);
  const target = join(generated, `${file.replaceAll('/', '-')}-${block.line}.ts`);
  writeFileSync(target, source);
  const printed: unknown[][] = [];
  const log = console.log;
  const saved = { ...process.env };
  const savedCwd = process.cwd();
  console.log = (...args: unknown[]) => void printed.push(args);
  Object.assign(process.env, {
    RESPONDIO_TOKEN: simulator.token,
    RESPONDIO_BASE_URL: simulator.baseUrl,
    RESPONDIO_CHANNEL_TOKEN: simulator.token,
    RESPONDIO_WEBHOOK_URL: `${new URL(simulator.baseUrl).origin}/custom/channel/webhook/`,
  });
  process.chdir(cwd);
  try {
    await import(`${new URL(`file://${target}`).href}?${Date.now()}`);
  } finally {
    console.log = log;
    process.chdir(savedCwd);
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
    Object.assign(process.env, saved);
  }
  return printed;
}

// What a README's run leaves behind, checked after its blocks ran (the outputs the prose describes).
const afterChecks: Record<string, (t: Test, cwd: string, printed: Map<number, unknown[][]>) => void> = {
  'README.md': (t, cwd, printed) => {
    const rows = readFileSync(join(cwd, 'contacts-out.ndjson'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { StatusCode: number });
    t.same(rows.map((row) => row.StatusCode), [200, 200, 200, 200, 200, 404, 400], 'five sample contacts, a 404 and a 400, as the README says');
    const library = [...printed.values()][0] ?? [];
    const manifest = JSON.parse(readFileSync(join(root, 'manifest.json'), 'utf8')) as { connectors: { id: string; name: string }[] };
    t.same(library[0]?.[0], manifest.connectors.map((c) => `${c.id}: ${c.name}`), 'the library example lists the connectors');
    t.match(library[1]?.[0], { StatusCode: 200, ID: 1001 });
    t.match(library[2]?.[0], { StatusCode: 200, Email: 'jane.tan.1004@example.com' });
    t.match(library[3]?.[0], { status: 'succeeded', rowsRead: 2, rowsEmitted: 2, errorRows: 0 });
    const checkpointed = readFileSync(join(cwd, 'contacts-checkpointed.ndjson'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { StatusCode: number });
    t.same(checkpointed.map((row) => row.StatusCode), [200, 200, 200, 200, 200, 404, 400], 'the checkpointed library run wrote the sample file');
    t.same([...printed.values()][1]?.[0], ['succeeded with errors', 7, 'not resumed'], 'it printed the result');
    t.notOk(existsSync(join(cwd, 'contacts-checkpointed.journal')), 'the finished run removed its journal');
  },
  'hosts/cli/README.md': (t, cwd) => {
    const input = readFileSync(join(cwd, 'examples/get-message.csv'), 'utf8').trim().split('\n').slice(1);
    const output = JSON.parse(readFileSync(join(cwd, 'out.json'), 'utf8')) as unknown[];
    t.equal(output.length, input.length, 'out.json is a JSON array with a row per CSV row');
  },
  'custom-channel/README.md': (t, cwd) => {
    const outbox = readFileSync(join(cwd, 'outbox/outbox.ndjson'), 'utf8').trim().split('\n');
    t.equal(outbox.length, 1, 'the one valid message reached the outbox');
    t.match(JSON.parse(outbox[0] ?? '{}'), { ChannelID: 'gfd8g7fd89dgfd', ContactID: '+60177872890' });
    t.match(recorder.events('gfd8g7fd89dgfd'), [{ type: 'message', mId: 'prov-123', contactId: '+60177872890' }], 'the WebhookClient example posted its event');
  },
};

// READMEs run side by side (each waits mostly on its CLI processes starting); ts blocks one at a time, as they share
// this process's console, environment and working directory.
t.jobs = READMES.length;
let typeScriptTurn: Promise<unknown> = Promise.resolve();
function oneAtATime<T>(task: () => Promise<T>): Promise<T> {
  const result = typeScriptTurn.then(task);
  typeScriptTurn = result.catch(() => undefined);
  return result;
}

for (const file of READMES) {
  void t.test(file, async (t) => {
    const blocks = extractBlocks(readFileSync(join(root, file), 'utf8')).filter((block) => isShell(block) || isTypeScript(block));
    const cwd = mkdtempSync(join(tmpdir(), 'docs-test-'));
    cpSync(join(root, 'examples'), join(cwd, 'examples'), { recursive: true });
    const withPorts = await portRewriter();
    const servers: BackgroundBlock[] = [];
    let session: ShellSession | undefined;
    const printed = new Map<number, unknown[][]>();
    t.teardown(async () => {
      await session?.close();
      for (const server of servers.reverse()) await server.stop();
      rmSync(cwd, { recursive: true, force: true });
    });
    for (const block of blocks) {
      const name = describeBlock(file, block);
      if (block.mode.kind === 'invalid') {
        t.fail(`${name}: "docs-test: ${block.mode.marker}" is neither "background" nor "skip — <reason>"`);
        continue;
      }
      if (block.mode.kind === 'skip') {
        t.pass(`${name} skipped: ${block.mode.reason}`);
        continue;
      }
      if (isTypeScript(block)) {
        if (block.mode.kind === 'background') t.fail(`${name}: a ts block cannot run in the background`);
        else printed.set(block.line, await oneAtATime(() => runTypeScript(t, file, block, cwd)));
        t.pass(`${name} ran`);
        continue;
      }
      session ??= new ShellSession(cwd, { ...process.env, NO_COLOR: '1' }, root);
      const code = withPorts(block.code);
      if (block.mode.kind === 'background') {
        const server = await session.background(code, 60_000);
        servers.push(server);
        for (const expected of expectedOutputs(code)) {
          const missing = missingFragment(server.stdout.split('\n')[0] ?? '', expected);
          t.equal(missing, undefined, `${name} prints ${expected.comment}`, { found: server.stdout.split('\n')[0] });
        }
        continue;
      }
      const outcome = await session.run(code, BLOCK_TIMEOUT_MS);
      t.equal(outcome.exitCode, 0, `${name} runs and exits 0`, { stdout: outcome.stdout.slice(-2000), stderr: outcome.stderr.slice(-2000) });
      if (outcome.exitCode !== 0) break;
      for (const expected of expectedOutputs(code)) {
        t.equal(missingFragment(outcome.stdout, expected), undefined, `${name} prints ${expected.comment}`, { stdout: outcome.stdout.slice(0, 2000) });
      }
    }
    afterChecks[file]?.(t, cwd, printed);
  });
}
