import { createHash, timingSafeEqual } from 'node:crypto';

/** How a presented `Authorization` header compares with the expected Bearer token. */
export type TokenCheck = 'ok' | 'missing' | 'malformed' | 'wrong';

const digest = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();

/**
 * Checks `Authorization: Bearer <token>` in constant time, for every server of the project (HTTP host, Custom
 * Channel, simulator). Both sides are hashed first so timingSafeEqual always compares 32 bytes: comparing the raw
 * strings would leak the token's length, and `===` leaks its prefix.
 */
export function bearerTokenChecker(expectedToken: string): (authorization: string | undefined) => TokenCheck {
  const expected = digest(expectedToken);
  return (authorization) => {
    if (authorization === undefined || authorization.trim() === '') return 'missing';
    const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(authorization);
    if (!match?.[1]) return 'malformed';
    return timingSafeEqual(digest(match[1]), expected) ? 'ok' : 'wrong';
  };
}
