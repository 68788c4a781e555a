import t from 'tap';
import { expectedOutputs, missingFragment } from './expected-output.js';
import { extractBlocks } from './markdown-blocks.js';

t.test('a marker right before a block sets its mode; an unknown or reasonless marker is invalid', async (t) => {
  const markdown = [
    '<!-- docs-test: skip — needs a real respond.io token -->',
    '```sh',
    'echo skipped',
    '```',
    '<!-- docs-test: background -->',
    '',
    '```bash',
    'serve',
    '```',
    '<!-- docs-test: skip -->',
    '```ts',
    'x',
    '```',
    '<!-- docs-test: sometimes -->',
    'a paragraph between the marker and the block',
    '```sh',
    'echo runs',
    '```',
  ].join('\n');
  const blocks = extractBlocks(markdown);
  t.same(
    blocks.map((block) => [block.lang, block.line, block.mode]),
    [
      ['sh', 2, { kind: 'skip', reason: 'needs a real respond.io token' }],
      ['bash', 7, { kind: 'background' }],
      ['ts', 11, { kind: 'invalid', marker: 'skip' }],
      ['sh', 16, { kind: 'run' }],
    ],
  );
  t.equal(blocks[0]?.code, 'echo skipped\n');
});

t.test('JSON shown in a # comment is checked piece by piece, … standing for what varies', async (t) => {
  const block = [
    'curl -s $H/readyz   # {"status":"ready","connectors":3}; 503 once stopping',
    'curl -s $H/run',
    '# 200 {"mId":"…"}',
    'export X=1   # not output',
  ].join('\n');
  const expected = expectedOutputs(block);
  t.same(expected, [
    { comment: '{"status":"ready","connectors":3}', fragments: ['{"status":"ready","connectors":3}'] },
    { comment: '{"mId":"…"}', fragments: ['{"mId":"', '"}'] },
  ]);
  const [ready, mId] = expected;
  if (!ready || !mId) throw new Error('two expectations');
  t.equal(missingFragment('{"status":"ready","connectors":3}{"mId":"a1"}', mId), undefined);
  t.equal(missingFragment('{"status":"ready","connectors":2}', ready), '{"status":"ready","connectors":3}');
  t.equal(missingFragment('"}{"mId":"', mId), '"}', 'fragments must come in order');
});
