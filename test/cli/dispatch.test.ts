import t from 'tap';
import { cli } from './harness.js';

// serve, simulate and custom-channel belong to other modules; main only dispatches to them. Each answers its
// --help (through `help <command>` too) and refuses an unknown flag with exit 2, without starting a server.
for (const command of ['serve', 'simulate', 'custom-channel']) {
  t.test(`${command} is dispatched`, async (t) => {
    const help = await cli(['help', command]);
    t.equal(help.code, 0);
    // serve keeps stdout for its JSON log lines, so its usage goes to stderr.
    t.match(command === 'serve' ? help.stderr : help.stdout, new RegExp(`^Usage: respondio-connectors ${command}`));
    const bad = await cli([command, '--no-such-flag']);
    t.equal(bad.code, 2);
    t.match(bad.stderr, /no-such-flag/);
  });
}

t.test('the top-level help lists every command', async (t) => {
  const { stdout } = await cli(['--help']);
  for (const command of ['describe', 'run', 'serve', 'simulate', 'custom-channel', 'help']) t.match(stdout, new RegExp(`^  ${command} `, 'm'));
});

t.test('help for an unknown command, or a name inherited from Object.prototype, is a usage error', async (t) => {
  for (const name of ['nope', 'constructor', 'toString']) {
    const run = await cli(['help', name]);
    t.equal(run.code, 2);
    t.match(run.stderr, new RegExp(`no command "${name}"`));
    const direct = await cli([name]);
    t.equal(direct.code, 2, `${name} as a command`);
  }
});
