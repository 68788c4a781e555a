import type { ErrorObject } from 'ajv/dist/2020.js';
import { kindOf, preview } from './schema-registry.js';

/** One rule a body broke: where (path segments from the body's root) and what, in words a sender can act on. */
export interface SchemaIssue {
  path: (string | number)[];
  problem: string;
}

/** Why a field that exists elsewhere is refused here (the `false` subschemas of the Custom Channel schemas). */
const notAllowedBecause: Record<string, string> = {
  description: 'is only allowed when attachment.type is image',
  status: 'is only allowed in message_status events',
  message: 'is not allowed in message_status events',
};

/**
 * Ajv's errors as issues. `if` errors are dropped: they only say "must match then", and the failures inside the
 * `then` branch are reported by their own entries, which name the field.
 */
export function schemaIssues(errors: ErrorObject[] | null | undefined): SchemaIssue[] {
  const issues: SchemaIssue[] = [];
  const seen = new Set<string>();
  for (const error of errors ?? []) {
    const issue = toIssue(error);
    if (!issue) continue;
    const key = JSON.stringify(issue);
    if (!seen.has(key)) {
      seen.add(key);
      issues.push(issue);
    }
  }
  return issues;
}

function toIssue(error: ErrorObject): SchemaIssue | undefined {
  const path = pointerToPath(error.instancePath);
  const spec = (error.parentSchema ?? {}) as Record<string, unknown>;
  switch (error.keyword) {
    case 'if':
      return undefined;
    case 'required':
      return { path: [...path, String(error.params.missingProperty)], problem: 'is required' };
    case 'additionalProperties':
      return { path: [...path, String(error.params.additionalProperty)], problem: 'is not a documented field' };
    case 'false schema':
      return { path, problem: notAllowedBecause[String(path.at(-1))] ?? 'is not allowed here' };
    case 'type':
      return { path, problem: `must be ${String(error.params.type).replace(/,/g, ' or ')} (got ${kindOf(error.data)})` };
  }
  const hint = typeof spec['x-hint'] === 'string' ? spec['x-hint'] : undefined;
  if (hint && ['pattern', 'format', 'enum', 'minimum', 'maximum'].includes(error.keyword)) {
    return { path, problem: `${hint} (got ${preview(error.data)})` };
  }
  if (error.keyword === 'enum' || error.keyword === 'const') {
    const allowed = error.keyword === 'enum' ? (error.params.allowedValues as unknown[]) : [error.params.allowedValue];
    return { path, problem: `must be ${allowed.map((value) => JSON.stringify(value)).join(' or ')} (got ${preview(error.data)})` };
  }
  if (error.keyword === 'maxLength' || error.keyword === 'minLength') {
    const limit = Number(error.params.limit);
    const length = typeof error.data === 'string' ? error.data.length : 0;
    return error.keyword === 'maxLength'
      ? { path, problem: `must be at most ${limit.toLocaleString('en-US')} characters (got ${length.toLocaleString('en-US')})` }
      : { path, problem: limit === 1 ? 'must not be empty' : `must be at least ${limit} characters (got ${length})` };
  }
  if (error.keyword === 'maxItems' || error.keyword === 'minItems') {
    const count = Array.isArray(error.data) ? error.data.length : 0;
    return { path, problem: `must have ${error.keyword === 'maxItems' ? 'at most' : 'at least'} ${String(error.params.limit)} items (got ${count})` };
  }
  return { path, problem: `${error.message ?? 'is invalid'} (got ${preview(error.data)})` };
}

function pointerToPath(pointer: string): (string | number)[] {
  if (pointer === '') return [];
  return pointer
    .split('/')
    .slice(1)
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((part) => (/^(0|[1-9][0-9]*)$/.test(part) ? Number(part) : part));
}

/** `events[0].message.text` */
export function formatPath(path: readonly (string | number)[]): string {
  return path.reduce<string>((out, part) => (typeof part === 'number' ? `${out}[${part}]` : out === '' ? part : `${out}.${part}`), '');
}

/** "message.text must be at most 7,000 characters (got 7,001); contactId is required" */
export function formatIssues(issues: readonly SchemaIssue[], name: (path: readonly (string | number)[]) => string = formatPath): string {
  return issues.map((issue) => (issue.path.length === 0 ? `the body ${issue.problem}` : `${name(issue.path)} ${issue.problem}`)).join('; ');
}
