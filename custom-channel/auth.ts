import { createHash, timingSafeEqual } from 'node:crypto';

export type TokenCheck = 'ok' | 'missing' | 'malformed' | 'wrong';

const digest = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();

/**
 * Checks `Authorization: Bearer <API Token>` in constant time. Both sides are hashed first so timingSafeEqual
 * always compares 32 bytes: comparing the raw strings would leak the token's length, and `===` leaks its prefix.
 */
export function bearerTokenChecker(apiToken: string): (authorization: string | undefined) => TokenCheck {
  const expected = digest(apiToken);
  return (authorization) => {
    if (authorization === undefined || authorization.trim() === '') return 'missing';
    const match = /^Bearer +([^\s]+) *$/i.exec(authorization);
    if (!match?.[1]) return 'malformed';
    return timingSafeEqual(digest(match[1]), expected) ? 'ok' : 'wrong';
  };
}

/** What a 401 says: which rule failed, never what was received or expected. */
export const tokenProblems: Record<Exclude<TokenCheck, 'ok'>, string> = {
  missing: 'missing Authorization header: send "Authorization: Bearer <API Token>"',
  malformed: 'malformed Authorization header: expected "Bearer <API Token>"',
  wrong: "the Bearer token is not this channel's API Token",
};
