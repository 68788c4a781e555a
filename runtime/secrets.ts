import type { NamedSchema } from './schema-registry.js';

const REDACTED = '[REDACTED]';

/** The values of the fields a configuration schema flags with `x-secret: true`. */
export function secretValues(schema: NamedSchema, block: Readonly<Record<string, unknown>>): string[] {
  return Object.entries(schema.properties ?? {})
    .filter(([, spec]) => spec['x-secret'] === true)
    .map(([field]) => block[field])
    .filter((value): value is string => typeof value === 'string' && value.length > 0);
}

/**
 * A last line of defence: the respond.io client never puts the token in a message, but a message can quote text
 * from elsewhere (an upstream body, a thrown error). Every text that leaves a run goes through this.
 */
export function redactor(secrets: readonly string[]): (text: string) => string {
  const needles = secrets.filter((secret) => secret.length >= 4);
  return (text) => needles.reduce((out, secret) => out.split(secret).join(REDACTED), text);
}
