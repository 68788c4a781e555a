/**
 * CPU time per row of the runtime overhead (the overhead scenario's instant connector), for two checkouts in ONE
 * process, alternating, best of 8: wall-clock figures swing too much on a busy 2-core machine to compare two trees.
 *   git worktree add /tmp/before <commit> && ln -s "$PWD/node_modules" /tmp/before/node_modules
 *   npx tsx bench/overhead-cpu-compare.ts /tmp/before .
 */
const [beforeDir, afterDir] = process.argv.slice(2).map((dir) => (dir.startsWith('/') ? dir : `${process.cwd()}/${dir}`));
if (!beforeDir || !afterDir) throw new Error('usage: overhead-cpu-compare.ts <before checkout> <after checkout>');
const trees = { before: beforeDir, after: afterDir };
function answer(row: any) {
  return { StatusCode: 200, Message: null, ID: 1001, Status: 'open', Tags: '["vip"]', Assignee: null, CreatedAt: '2022-09-15T20:34:41.000Z',
    FirstName: row.Identifier, LastName: null, Phone: null, Email: null, Language: null, ProfilePictureUrl: null, CountryCode: null, CustomFields: null };
}
const instant = { id: 'fake-contact', open: () => ({ process: async (row: any) => answer(row), stats: () => ({ requests: 0, retries: 0, rateLimited: 0, rateLimitWaitMs: 0 }) }) };
function* inputRows(count: number) { for (let i = 0; i < count; i += 1) yield { Identifier: `id:${1001 + (i % 5000)}` }; }
const plugins: Record<string, any> = {};
for (const [name, dir] of Object.entries(trees)) {
  const { Plugin } = await import(`${dir}/runtime/plugin.ts`);
  const { SchemaRegistry } = await import(`${dir}/runtime/schema-registry.ts`);
  const { fakeManifest } = await import(`${dir}/test/helpers/fake-connector.ts`);
  plugins[name] = new Plugin(fakeManifest, SchemaRegistry.load(), [instant]);
}
async function once(plugin: any, count: number, concurrency: number) {
  const before = process.cpuUsage();
  const run = plugin.run({ connector: 'fake-contact', rows: inputRows(count), connection: { Token: 'bench-token-0000' }, settings: { 'Error behavior': 'Do not fail and return response' }, concurrency });
  let n = 0; for await (const row of run) if (row.StatusCode === 200) n++;
  if (n !== count) throw new Error('lost rows');
  const used = process.cpuUsage(before);
  return (used.user + used.system) / count; // µs CPU per row
}
const best: Record<string, number> = {};
const rows = 100_000;
for (const c of [1, 16]) for (const name of Object.keys(trees)) await once(plugins[name], 20_000, c);
for (let i = 0; i < 8; i++) for (const c of [1, 16]) for (const name of Object.keys(trees)) {
  const key = `${name} c=${c}`; best[key] = Math.min(best[key] ?? Infinity, await once(plugins[name], rows, c));
}
console.log(Object.entries(best).map(([k, v]) => `${k}: ${v.toFixed(2)} µs CPU/row`).join('\n'));
for (const c of [1, 16]) console.log(`c=${c}: after / before = ${((best[`after c=${c}`] as number) / (best[`before c=${c}`] as number)).toFixed(3)}`);
