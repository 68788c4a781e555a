import t from 'tap';
import { ConnectionVault, ENCRYPTION_KEY_ENV, MIN_KEY_LENGTH, requireEncryptionKey, VaultError } from '../../hosts/http/connection-vault.js';

const KEY = 'k3y-for-the-vault-tests-0123456789-abcdefgh';
const OTHER_KEY = 'another-key-for-the-vault-tests-9876543210';
const TOKEN = 'secret-respondio-token-5f0c2e9a7b';
const CONNECTION = { Token: TOKEN, 'Base URL': 'http://127.0.0.1:4010/v2' };

/** The envelope with one byte of part `index` (1 IV, 2 tag, 3 ciphertext) flipped. */
function flipByte(envelope: string, index: number): string {
  const parts = envelope.split('.');
  const bytes = Buffer.from(parts[index] as string, 'base64url');
  bytes[0] = (bytes[0] as number) ^ 0x01;
  parts[index] = bytes.toString('base64url');
  return parts.join('.');
}

t.test('a Connection sealed and opened with the same key comes back equal', async (t) => {
  const vault = new ConnectionVault(KEY);
  const envelope = vault.seal(CONNECTION);
  t.same(vault.open(envelope), CONNECTION);
  // Another vault built from the same string opens it too: what a resuming worker on another machine does.
  t.same(new ConnectionVault(KEY).open(envelope), CONNECTION);
});

t.test('the envelope is v1.<iv>.<tag>.<ciphertext> in base64url and does not contain the token', async (t) => {
  const envelope = new ConnectionVault(KEY).seal(CONNECTION);
  const parts = envelope.split('.');
  t.equal(parts.length, 4);
  t.equal(parts[0], 'v1');
  t.match(envelope, /^v1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
  t.equal(Buffer.from(parts[1] as string, 'base64url').length, 12, '12-byte IV');
  t.equal(Buffer.from(parts[2] as string, 'base64url').length, 16, '16-byte auth tag');
  t.notOk(envelope.includes(TOKEN), 'the plaintext token is not in the envelope');
  t.notOk(envelope.includes(Buffer.from(TOKEN).toString('base64url')), 'nor its base64url');
  t.notOk(envelope.includes(KEY), 'nor the key');
});

t.test('two encryptions of one value differ (a fresh IV each)', async (t) => {
  const vault = new ConnectionVault(KEY);
  const first = vault.seal(CONNECTION);
  const second = vault.seal(CONNECTION);
  t.not(first, second);
  t.not(first.split('.')[1], second.split('.')[1], 'different IVs');
  t.same(vault.open(second), CONNECTION);
});

t.test('a flipped byte in the IV, the tag or the ciphertext is detected', async (t) => {
  const vault = new ConnectionVault(KEY);
  const envelope = vault.seal(CONNECTION);
  for (const [index, part] of [[1, 'IV'], [2, 'auth tag'], [3, 'ciphertext']] as const) {
    const tampered = flipByte(envelope, index);
    t.not(tampered, envelope);
    t.throws(() => vault.open(tampered), { name: 'VaultError', message: /cannot be decrypted.*altered/ }, `flipped ${part}`);
  }
});

t.test('a wrong key is refused with a clear error that quotes neither key nor envelope', async (t) => {
  const envelope = new ConnectionVault(KEY).seal(CONNECTION);
  let caught: unknown;
  try {
    new ConnectionVault(OTHER_KEY).open(envelope);
  } catch (error) {
    caught = error;
  }
  t.type(caught, VaultError);
  const message = (caught as Error).message;
  t.match(message, new RegExp(`sealed with another ${ENCRYPTION_KEY_ENV}`));
  for (const secret of [KEY, OTHER_KEY, envelope, TOKEN]) t.notOk(message.includes(secret));
});

t.test('malformed envelopes: unknown version, missing parts, wrong sizes', async (t) => {
  const vault = new ConnectionVault(KEY);
  const [, iv, tag, data] = vault.seal(CONNECTION).split('.') as [string, string, string, string];
  t.throws(() => vault.open(`v2.${iv}.${tag}.${data}`), { message: /unknown format version/ });
  t.throws(() => vault.open(`v1.${iv}.${tag}`), { message: /4 parts, this one has 3/ });
  t.throws(() => vault.open(`v1.${iv}.${iv}.${data}`), { message: /wrong size/ });
  t.throws(() => vault.open(JSON.stringify(CONNECTION)), { name: 'VaultError' }, 'plaintext is not accepted');
});

t.test('a key shorter than 32 characters is refused, and the message never echoes it', async (t) => {
  const short = 'short-but-secret-key-31-chars-x';
  t.equal(short.length, MIN_KEY_LENGTH - 1);
  t.throws(() => new ConnectionVault(short), { name: 'VaultError', message: /too short: at least 32 characters/ });
  const check = requireEncryptionKey({ [ENCRYPTION_KEY_ENV]: short });
  t.equal(check.ok, false);
  if (!check.ok) {
    t.equal(check.exitCode, 2);
    t.match(check.message, /RESPONDIO_CONNECTORS_ENCRYPTION_KEY is too short/);
    t.notOk(check.message.includes(short));
  }
  t.ok(requireEncryptionKey({ [ENCRYPTION_KEY_ENV]: `${short}y` }).ok, '32 characters are enough');
});

t.test('a missing key: exit code 2 and a message saying what to set', async (t) => {
  for (const env of [{}, { [ENCRYPTION_KEY_ENV]: '' }]) {
    const check = requireEncryptionKey(env);
    t.equal(check.ok, false);
    if (!check.ok) {
      t.equal(check.exitCode, 2);
      t.match(check.message, /RESPONDIO_CONNECTORS_ENCRYPTION_KEY is not set/);
    }
  }
  const good = requireEncryptionKey({ [ENCRYPTION_KEY_ENV]: KEY });
  t.ok(good.ok);
  if (good.ok) t.same(good.vault.open(new ConnectionVault(KEY).seal(CONNECTION)), CONNECTION, 'the vault it returns uses that key');
});
