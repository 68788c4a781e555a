import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/**
 * A durable run's Connection (with the respond.io token) at rest: AES-256-GCM, a random 12-byte IV per value, the
 * 16-byte auth tag checked on the way back. The envelope `v1.<iv>.<tag>.<ciphertext>` (base64url parts) names its
 * format version, so a later key or scheme can be told apart and rotated in.
 */
export const ENCRYPTION_KEY_ENV = 'RESPONDIO_CONNECTORS_ENCRYPTION_KEY';
export const MIN_KEY_LENGTH = 32;

const VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;
/** Binds the ciphertext to this use: an envelope made for something else with the same key does not open here. */
const AAD = Buffer.from('respondio-connectors:connection:v1');

export class VaultError extends Error {
  override readonly name = 'VaultError';
}

/** Why a key is refused, or undefined when it is fine. Never quotes the key. */
export function encryptionKeyProblem(key: string | undefined): string | undefined {
  if (key === undefined || key === '') return `${ENCRYPTION_KEY_ENV} is not set; durable mode stores each run's Connection encrypted and needs it (at least ${MIN_KEY_LENGTH} characters, e.g. openssl rand -base64 48)`;
  if (key.length < MIN_KEY_LENGTH) return `${ENCRYPTION_KEY_ENV} is too short: at least ${MIN_KEY_LENGTH} characters are needed (it has ${key.length})`;
  return undefined;
}

export class ConnectionVault {
  private readonly key: Buffer;

  /**
   * The AES key is the SHA-256 of the configured string: any string of ≥ 32 characters (a passphrase, hex, base64)
   * gives a 256-bit key. A KDF with a work factor is not needed: the string is a generated secret, not a password.
   */
  constructor(secret: string) {
    const problem = encryptionKeyProblem(secret);
    if (problem !== undefined) throw new VaultError(problem);
    this.key = createHash('sha256').update(secret, 'utf8').digest();
  }

  seal(value: Readonly<Record<string, unknown>>): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(AAD);
    const ciphertext = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()]);
    return [VERSION, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), ciphertext.toString('base64url')].join('.');
  }

  /** Throws a VaultError (never quoting the envelope or the key) when the envelope is malformed, altered or sealed with another key. */
  open(envelope: string): Record<string, unknown> {
    const parts = envelope.split('.');
    if (parts[0] !== VERSION) throw new VaultError(`not a ${VERSION} Connection envelope (unknown format version)`);
    if (parts.length !== 4) throw new VaultError(`a ${VERSION} Connection envelope has 4 parts, this one has ${parts.length}`);
    const [, ivText, tagText, dataText] = parts as [string, string, string, string];
    const iv = Buffer.from(ivText, 'base64url');
    const tag = Buffer.from(tagText, 'base64url');
    if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) throw new VaultError('the Connection envelope is malformed (IV or auth tag of the wrong size)');
    const decipher = createDecipheriv('aes-256-gcm', this.key, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(AAD);
    decipher.setAuthTag(tag);
    let plaintext: string;
    try {
      plaintext = Buffer.concat([decipher.update(Buffer.from(dataText, 'base64url')), decipher.final()]).toString('utf8');
    } catch {
      throw new VaultError(`the Connection cannot be decrypted: it was sealed with another ${ENCRYPTION_KEY_ENV}, or altered`);
    }
    return JSON.parse(plaintext) as Record<string, unknown>;
  }
}

/**
 * The start check of durable mode (`serve`/`worker` with Redis): the vault, or a message for the operator and exit
 * code 2 (a usage error, as the CLI's other refusals). The caller prints the message and exits.
 */
export function requireEncryptionKey(env: NodeJS.ProcessEnv): { ok: true; vault: ConnectionVault } | { ok: false; exitCode: 2; message: string } {
  const problem = encryptionKeyProblem(env[ENCRYPTION_KEY_ENV]);
  if (problem !== undefined) return { ok: false, exitCode: 2, message: problem };
  return { ok: true, vault: new ConnectionVault(env[ENCRYPTION_KEY_ENV] as string) };
}
