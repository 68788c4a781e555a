import { appendFileSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { fingerprintDifferences, fingerprintOf, sha256Of, type RunFingerprint } from '../../runtime/checkpoint/fingerprint.js';
import { CheckpointJournal, COMPACT_AFTER_BYTES, emptyWatermark, readJournal } from '../../runtime/checkpoint/journal.js';

async function scratch(t: Test): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'journal-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

async function fingerprintIn(dir: string): Promise<RunFingerprint> {
  writeFileSync(join(dir, 'in.ndjson'), '{"Identifier":"id:1"}\n');
  return fingerprintOf({ connector: { id: 'get-contact', version: '1.0.0' }, settings: { 'Error behavior': 'Fail and return response' }, inputPath: join(dir, 'in.ndjson'), outputPath: join(dir, 'out.ndjson'), format: 'ndjson' });
}

const fresh = (fingerprint: RunFingerprint) => ({ fingerprint, committed: emptyWatermark(), intents: new Set<number>(), outcomes: new Map() });

t.test('the journal stays small however many rows are committed: it compacts', async (t) => {
  const dir = await scratch(t);
  const path = join(dir, 'run.journal');
  const journal = await CheckpointJournal.start(path, fresh(await fingerprintIn(dir)));
  let largest = 0;
  for (let row = 1; row <= 600; row += 1) {
    await journal.recordIntent(row);
    await journal.recordOutcome(row, { row: { StatusCode: 200, Message: null, ID: row } });
    await journal.commit({ row, outputBytes: row * 100, outputRows: row, errorRows: 0 });
    largest = Math.max(largest, statSync(path).size);
  }
  await journal.close();
  t.ok(largest < COMPACT_AFTER_BYTES + 1024, `never much past the compaction threshold (largest ${largest} bytes for 600 rows)`);
  const state = await readJournal(path);
  t.same(state?.committed, { row: 600, outputBytes: 60000, outputRows: 600, errorRows: 0 });
  t.equal(state?.intents.size, 0, 'intents of committed rows are forgotten');
  t.equal(state?.outcomes.size, 0);
});

t.test('a torn last line is dropped; intents and outcomes after the watermark are kept', async (t) => {
  const dir = await scratch(t);
  const path = join(dir, 'run.journal');
  const journal = await CheckpointJournal.start(path, fresh(await fingerprintIn(dir)));
  await journal.commit({ row: 3, outputBytes: 300, outputRows: 3, errorRows: 1 });
  await journal.recordIntent(4);
  await journal.recordIntent(5);
  await journal.recordOutcome(5, { row: { ID: 5 } });
  await journal.close();
  appendFileSync(path, '{"commit":{"row":5,"outputBytes":5');
  const state = await readJournal(path);
  t.same(state?.committed, { row: 3, outputBytes: 300, outputRows: 3, errorRows: 1 }, 'the torn commit did not happen');
  t.same([...(state?.intents ?? [])], [4, 5]);
  t.same(state?.outcomes.get(5), { row: { ID: 5 } });
});

t.test('a bad line before the last is corruption, not silently skipped; no journal is undefined', async (t) => {
  const dir = await scratch(t);
  const path = join(dir, 'run.journal');
  t.equal(await readJournal(path), undefined);
  const journal = await CheckpointJournal.start(path, fresh(await fingerprintIn(dir)));
  await journal.close();
  const lines = readFileSync(path, 'utf8').split('\n');
  writeFileSync(path, [lines[0], '{"commit":', lines[1], ''].join('\n'));
  await t.rejects(readJournal(path), /line 2 of the checkpoint journal is not JSON/);
  writeFileSync(path, '{"v":1,"fingerp');
  await t.rejects(readJournal(path), /empty or torn before its first line/);
});

t.test('fingerprints: the input is hashed as a stream; each differing part is named', async (t) => {
  const dir = await scratch(t);
  const a = await fingerprintIn(dir);
  t.equal(a.input.sha256, await sha256Of(join(dir, 'in.ndjson')));
  t.same(fingerprintDifferences(a, structuredClone(a)), []);
  const b = structuredClone(a);
  b.connector.version = '1.1.0';
  b.settings['Error behavior'] = 'Fail without response';
  b.output.format = 'csv';
  b.input.sha256 = 'f'.repeat(64);
  const differences = fingerprintDifferences(a, b);
  t.equal(differences.length, 4);
  t.match(differences.join('\n'), /input: .* changed since.*\nconnector: the journal is of get-contact 1\.0\.0, this run is get-contact 1\.1\.0\nsettings: Error behavior "Fail and return response" → "Fail without response"\noutput: .*\(ndjson\).*\(csv\)/);
});
