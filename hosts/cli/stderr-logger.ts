import type { Logger } from '../../runtime/logger.js';

export const logLevels = ['debug', 'info', 'warn', 'error', 'silent'] as const;
export type LogLevel = (typeof logLevels)[number];

/**
 * The runtime's Logger, as lines on stderr: `warn: row 2 failed: … (code=RC_…, statusCode=404)`.
 * `print` is the CLI's stderr printer, which scrubs the token and clears the progress line first.
 */
export function stderrLogger(level: LogLevel, print: (text: string) => void): Logger {
  const threshold = logLevels.indexOf(level);
  const at = (name: Exclude<LogLevel, 'silent'>) => (object: object, message?: string): void => {
    if (logLevels.indexOf(name) < threshold) return;
    const fields = Object.entries(object)
      .filter(([, value]) => value !== undefined && value !== null)
      .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`)
      .join(', ');
    print(`${name}: ${message ?? ''}${fields ? ` (${fields})` : ''}\n`);
  };
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}
