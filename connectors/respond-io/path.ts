import { ConfigurationError } from '../../runtime/errors.js';
import { parseIdentifier, parseMessageId } from './identifier.js';

export type PathParams = Readonly<Record<string, string | number>>;

/** Placeholders whose values are row input, checked locally: a bad one is a 400 error row and costs no request. */
const checked: Record<string, (value: unknown) => string> = {
  identifier: (value) => parseIdentifier(value).pathSegment,
  messageId: (value) => parseMessageId(value),
};

/**
 * Fills a manifest path template ('/contact/{identifier}/message/{messageId}'), left to right: {identifier} and
 * {messageId} through their parsers (RowError 400), any other through encodeURIComponent. A placeholder without a
 * value is the connector's mistake, not the row's: a ConfigurationError.
 */
export function buildPath(template: string, params: PathParams): string {
  return template.replace(/\{([^}]+)\}/g, (_, name: string) => {
    const value = Object.hasOwn(params, name) ? params[name] : undefined;
    const check = checked[name];
    if (check) return check(value);
    if (value === undefined || String(value) === '') throw new ConfigurationError('RC_INVALID_OPTION', `no value for {${name}} of ${template}`);
    return encodeURIComponent(String(value));
  });
}
