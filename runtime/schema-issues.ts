import type { ErrorObject } from 'ajv/dist/2020.js';

/** Path segments from the root of the checked value: `['events', 0, 'message', 'text']`. */
export type SchemaPath = (string | number)[];

/**
 * One rule a value broke, read once from Ajv's errors. Everything that words it for an audience (a row's column, a
 * Custom Channel field, the HTTP host's `details[]`, the manifest) is a formatter over these.
 */
export interface SchemaIssue {
  /** The value the rule is about: for a missing or an unknown property, that property. */
  path: SchemaPath;
  /** The object Ajv checked when it found the problem (for `required`, the one lacking the property). */
  at: SchemaPath;
  /** The plain-words problem, said of `path`: "is required", "must be at most 7,000 characters (got 7,001)". */
  problem: string;
  keyword: string;
  params: Record<string, unknown>;
  /** Ajv's own wording ("must be string"). */
  message: string;
  /** The value received. It may be huge or a secret: formatters show `preview()` of it, or nothing. */
  data: unknown;
  /** The schema's `x-hint`: words that replace a regex or a format name. */
  hint?: string;
}

/** A problem and where, as the Custom Channel rules report them. */
export type PlainIssue = Pick<SchemaIssue, 'path' | 'problem'>;

/** Why a field that exists elsewhere is refused here (the `false` subschemas of the Custom Channel schemas). */
const notAllowedBecause: Record<string, string> = {
  description: 'is only allowed when attachment.type is image',
  status: 'is only allowed in message_status events',
  message: 'is not allowed in message_status events',
};

const HINTED = ['pattern', 'format', 'enum', 'minimum', 'maximum'];

/**
 * Ajv's errors as issues, each once. `if` errors are dropped: they only say "must match then", and the failures
 * inside the `then` branch are reported by their own entries, which name the field.
 */
export function schemaIssues(errors: readonly ErrorObject[] | null | undefined): SchemaIssue[] {
  const issues: SchemaIssue[] = [];
  const seen = new Set<string>();
  for (const error of errors ?? []) {
    if (error.keyword === 'if') continue;
    const issue = toIssue(error);
    const key = `${JSON.stringify(issue.path)} ${issue.keyword} ${issue.problem}`;
    if (!seen.has(key)) {
      seen.add(key);
      issues.push(issue);
    }
  }
  return issues;
}

function toIssue(error: ErrorObject): SchemaIssue {
  const at = pointerToPath(error.instancePath);
  const spec = (error.parentSchema ?? {}) as Record<string, unknown>;
  const hint = typeof spec['x-hint'] === 'string' ? spec['x-hint'] : undefined;
  const base = { at, keyword: error.keyword, params: error.params as Record<string, unknown>, message: error.message ?? 'is invalid', data: error.data, ...(hint ? { hint } : {}) };
  switch (error.keyword) {
    case 'required':
      return { ...base, path: [...at, String(error.params.missingProperty)], problem: 'is required' };
    case 'additionalProperties':
      return { ...base, path: [...at, String(error.params.additionalProperty)], problem: 'is not a documented field' };
    case 'false schema':
      return { ...base, path: at, problem: notAllowedBecause[String(at.at(-1))] ?? 'is not allowed here' };
    case 'type':
      return { ...base, path: at, problem: `must be ${String(error.params.type).replace(/,/g, ' or ')} (got ${kindOf(error.data)})` };
  }
  return { ...base, path: at, problem: plainProblem(error, hint) };
}

function plainProblem(error: ErrorObject, hint: string | undefined): string {
  if (hint && HINTED.includes(error.keyword)) return `${hint} (got ${preview(error.data)})`;
  if (error.keyword === 'enum' || error.keyword === 'const') {
    const allowed = error.keyword === 'enum' ? (error.params.allowedValues as unknown[]) : [error.params.allowedValue];
    return `must be ${allowed.map((value) => JSON.stringify(value)).join(' or ')} (got ${preview(error.data)})`;
  }
  if (error.keyword === 'maxLength' || error.keyword === 'minLength') {
    const limit = Number(error.params.limit);
    const length = typeof error.data === 'string' ? error.data.length : 0;
    if (error.keyword === 'maxLength') return `must be at most ${limit.toLocaleString('en-US')} characters (got ${length.toLocaleString('en-US')})`;
    return limit === 1 ? 'must not be empty' : `must be at least ${limit} characters (got ${length})`;
  }
  if (error.keyword === 'maxItems' || error.keyword === 'minItems') {
    const count = Array.isArray(error.data) ? error.data.length : 0;
    return `must have ${error.keyword === 'maxItems' ? 'at most' : 'at least'} ${String(error.params.limit)} items (got ${count})`;
  }
  return `${error.message ?? 'is invalid'} (got ${preview(error.data)})`;
}

/** The one JSON-pointer decoder: `/events/0/message` → ['events', 0, 'message']. */
export function pointerToPath(pointer: string): SchemaPath {
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
export function formatIssues(issues: readonly PlainIssue[], name: (path: readonly (string | number)[]) => string = formatPath): string {
  return issues.map((issue) => (issue.path.length === 0 ? `the body ${issue.problem}` : `${name(issue.path)} ${issue.problem}`)).join('; ');
}

/** Texts in order, each once (two Ajv errors can read the same once worded). */
export function uniqueTexts(texts: Iterable<string | undefined>): string[] {
  return [...new Set([...texts].filter((text): text is string => text !== undefined))];
}

export function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'number') return `the number ${value}`;
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return `the string ${preview(value)}`;
  return typeof value;
}

/** A short, printable rendering of a received value: long strings are cut so a 10 MB cell does not become a 10 MB message. */
export function preview(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}…" (${text.length} characters)` : text;
}

// ---- Wordings for the core's own audiences: rows and the manifest --------------------------------------------------

/**
 * Issues said the way a row author reads them: which column, what is wrong, what was received. `x-hint` replaces
 * Ajv's wording for pattern, format and minLength failures (a regex helps nobody).
 */
export function describeRowIssues(issues: readonly SchemaIssue[], noun = 'column'): string {
  const parts = uniqueTexts(issues.map((issue) => rowProblem(issue, noun)));
  return parts.length === 0 ? 'invalid row' : parts.join('; ');
}

function rowProblem(issue: SchemaIssue, noun: string): string | undefined {
  const column = issue.path.join('.');
  if (issue.keyword === 'required') return `${noun} '${column}' is missing`;
  if (issue.keyword === 'additionalProperties') return `${noun} '${column}' is not part of the schema`;
  if (issue.path.length === 0 && issue.keyword === 'type') return `a row must be a JSON object (got ${kindOf(issue.data)})`;
  // anyOf wraps the real failures of a nullable JSON column; those are reported by their own entries.
  if (issue.keyword === 'anyOf') return undefined;
  if (issue.data === null) return `${noun} '${column}' does not allow null`;
  if (issue.keyword === 'type') return `${noun} '${column}' must be ${article(String(issue.params.type))} (got ${kindOf(issue.data)})`;
  if (issue.hint && ['pattern', 'format', 'minLength'].includes(issue.keyword)) return `${noun} '${column}' ${issue.hint} (got ${preview(issue.data)})`;
  return `${noun} '${column}' ${issue.message} (got ${preview(issue.data)})`;
}

function article(type: string): string {
  return type
    .split(',')
    .map((t) => (t === 'integer' ? 'an integer' : t === 'object' ? 'an object' : t === 'null' ? 'null' : `a ${t}`))
    .join(' or ');
}

/** The manifest's wording: the JSON pointer where Ajv found it, Ajv's message, the allowed values of an enum. */
export function describeManifestIssues(issues: readonly SchemaIssue[]): string {
  return uniqueTexts(
    issues.map((issue) => {
      const allowed = issue.keyword === 'enum' ? ` (${(issue.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')})` : '';
      const pointer = issue.at.map((part) => `/${String(part).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
      return `${pointer || '/'}: ${issue.message}${allowed}`;
    }),
  ).join('; ');
}
