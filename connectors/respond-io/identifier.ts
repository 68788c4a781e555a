import { RowError } from '../../runtime/errors.js';

/** A contact identifier as respond.io's path wants it: `<type>:<encoded value>`. */
export interface ContactIdentifier {
  type: 'id' | 'email' | 'phone';
  value: string;
  /** Ready to put in a URL path: type + ':' + encodeURIComponent(value) (phone:+60… → phone:%2B60…). */
  pathSegment: string;
}

const FORMS = 'id:<digits>, email:<address> or phone:+<digits>';
const MAX_LENGTH = 320;

// Shown back to the user in the error row: JSON-quoted so CR/LF/NUL stay visible and the message stays one line.
const show = (text: string): string => JSON.stringify(text.length > 60 ? `${text.slice(0, 60)}…` : text);

const invalid = (problem: string): RowError =>
  new RowError('RC_INVALID_IDENTIFIER', 400, `Identifier ${problem} (expected ${FORMS})`);

/**
 * Checks a row's Identifier locally, so a bad one costs no request (and cannot steer the URL elsewhere: no '/',
 * '..', control characters). Throws RowError RC_INVALID_IDENTIFIER (400) naming the column and the problem.
 */
export function parseIdentifier(raw: unknown): ContactIdentifier {
  if (typeof raw !== 'string') throw invalid(`must be a string, got ${raw === null ? 'null' : typeof raw}`);
  if (raw.length === 0) throw invalid('is empty');
  if (raw.length > MAX_LENGTH) throw invalid(`is longer than ${MAX_LENGTH} characters`);
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(raw)) throw invalid(`${show(raw)} contains a control character (CR, LF, NUL, tab…)`);
  if (/\s/.test(raw)) throw invalid(`${show(raw)} contains a space`);
  if (raw.includes('/') || raw.includes('\\')) throw invalid(`${show(raw)} contains a slash`);
  if (raw.includes('..')) throw invalid(`${show(raw)} contains '..'`);
  const colon = raw.indexOf(':');
  if (colon < 0) throw invalid(`${show(raw)} has no type prefix`);
  const prefix = raw.slice(0, colon).toLowerCase();
  const value = raw.slice(colon + 1);
  if (prefix !== 'id' && prefix !== 'email' && prefix !== 'phone') throw invalid(`${show(raw)} has an unknown prefix ${show(prefix)}`);
  if (value.length === 0) throw invalid(`${show(raw)} has an empty ${prefix} value`);
  if (prefix === 'id' && !/^[0-9]{1,20}$/.test(value)) throw invalid(`${show(raw)}: an id must be digits only`);
  if (prefix === 'phone' && !/^\+[0-9]{1,15}$/.test(value)) {
    throw invalid(`${show(raw)}: a phone must be '+' followed by 1 to 15 digits (E.164)`);
  }
  if (prefix === 'email' && !/^[^@:]+@[^@:]+\.[^@:]+$/.test(value)) throw invalid(`${show(raw)}: not an email address`);
  return { type: prefix, value, pathSegment: `${prefix}:${encodeURIComponent(value)}` };
}

/** MessageID must be a positive integer written as a string (numbers are tolerated). Else 400, no request. */
export function parseMessageId(raw: unknown): string {
  const text = Number.isSafeInteger(raw) ? String(raw) : raw; // only a number is a safe integer (no coercion)
  if (typeof text !== 'string' || !/^[1-9][0-9]{0,17}$/.test(text)) {
    const got = typeof text === 'string' ? show(text) : text === null ? 'null' : typeof text;
    throw new RowError('RC_INVALID_INPUT_ROW', 400, `MessageID must be a positive integer (e.g. "1262965213"), got ${got}`);
  }
  return text;
}
