import { ConfigurationError } from './errors.js';
import type { RowSettings } from '../schemas/generated/row-types.js';

export type ErrorBehavior = NonNullable<RowSettings['Error behavior']>;

/** The three settings, spelled exactly as the platform's connector pages spell them. */
export const errorBehaviors: readonly ErrorBehavior[] = [
  'Fail and return response',
  'Fail without response',
  'Do not fail and return response',
];

export const defaultErrorBehavior: ErrorBehavior = 'Fail and return response';

const kebab = (value: string): string => value.toLowerCase().replaceAll(' ', '-');

/** Accepts the seed spelling or its kebab-case (`do-not-fail-and-return-response`); anything else lists the allowed values. */
export function parseErrorBehavior(value: unknown): ErrorBehavior {
  if (value === undefined || value === null || value === '') return defaultErrorBehavior;
  if (typeof value === 'string') {
    const found = errorBehaviors.find((behavior) => behavior === value || kebab(behavior) === value.trim().toLowerCase());
    if (found) return found;
  }
  const allowed = errorBehaviors.map((b) => `"${b}" (${kebab(b)})`).join(', ');
  throw new ConfigurationError('RC_INVALID_SETTINGS', `Error behavior ${JSON.stringify(value)} is not one of ${allowed}`);
}

/** Whether the first failed row (in input order) ends the run. */
export const failsRun = (behavior: ErrorBehavior): boolean => behavior !== 'Do not fail and return response';

/** Whether the failed row itself gets an error row in the output. */
export const emitsErrorRow = (behavior: ErrorBehavior): boolean => behavior !== 'Fail without response';
