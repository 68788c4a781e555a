import type { SimContact } from './data-types.js';

/**
 * respond.io's contact filter (POST /contact/list body `filter`): `{ $and: [conditions] }` and/or
 * `{ $or: [conditions] }`, each condition `{ category, field, operator, value }` (spec §3.3). An empty list means no
 * condition (respond.io's own clients send `{ "$or": [] }` for "no filter"). The simulator evaluates the common cases
 * so that a List Contacts filter can be checked end to end; a condition it cannot read is the client's 400.
 */
export interface FilterCondition {
  category: 'contactField' | 'contactTag' | 'lifecycle';
  field: string | null;
  operator: string;
  value: unknown;
}

export type ContactFilter = (contact: SimContact) => boolean;

const OPERATORS = new Set(['isEqualTo', 'isNotEqualTo', 'isTimestampAfter', 'isTimestampBefore', 'isTimestampBetween', 'exists', 'doesNotExist', 'isGreaterThan', 'isLessThan', 'isBetween', 'hasAnyOf', 'hasAllOf', 'hasNoneOf']);
const CATEGORIES = new Set(['contactField', 'contactTag', 'lifecycle']);
const STANDARD_FIELDS = new Set(['firstName', 'lastName', 'phone', 'email', 'language', 'profilePic', 'countryCode', 'status']);

/** The filter as a predicate, or the 400 message. `undefined` filter: every contact. */
export function compileFilter(filter: unknown): ContactFilter | string {
  if (filter === undefined || filter === null) return () => true;
  if (!isObject(filter)) return 'filter must be an object like { "$and": [ … ] }';
  const unknownKey = Object.keys(filter).find((key) => key !== '$and' && key !== '$or');
  if (unknownKey !== undefined) return `filter: unknown key "${unknownKey}" (expected $and or $or)`;
  const lists: Partial<Record<'$and' | '$or', ContactFilter[]>> = {};
  for (const key of ['$and', '$or'] as const) {
    const list = filter[key];
    if (list === undefined) continue;
    if (!Array.isArray(list)) return `filter.${key} must be an array of conditions`;
    const compiled: ContactFilter[] = [];
    for (const [index, item] of list.entries()) {
      const condition = compileCondition(item);
      if (typeof condition === 'string') return `filter.${key}[${index}]: ${condition}`;
      compiled.push(condition);
    }
    lists[key] = compiled;
  }
  const all = lists.$and ?? [];
  const any = lists.$or ?? [];
  return (contact) => all.every((test) => test(contact)) && (any.length === 0 || any.some((test) => test(contact)));
}

function compileCondition(item: unknown): ContactFilter | string {
  if (!isObject(item)) return 'a condition is an object { category, field, operator, value }';
  const { category, field, operator, value } = item;
  if (typeof category !== 'string' || !CATEGORIES.has(category)) return 'category must be contactField, contactTag or lifecycle';
  if (typeof operator !== 'string' || !OPERATORS.has(operator)) return `operator must be one of ${[...OPERATORS].join(', ')}`;
  if (field !== undefined && field !== null && typeof field !== 'string') return 'field must be a string or null';
  if (category === 'contactTag') return tagCondition(operator, value);
  if (category === 'lifecycle') return valueCondition(operator, value, (contact) => contact.lifecycle);
  if (typeof field !== 'string' || field === '') return 'a contactField condition names its field';
  return valueCondition(operator, value, fieldReader(field));
}

/** A contact field: a standard one, assigneeUserId, created_at, or else a custom field by name. */
function fieldReader(field: string): (contact: SimContact) => unknown {
  if (STANDARD_FIELDS.has(field)) return (contact) => contact[field as keyof SimContact];
  if (field === 'assigneeUserId') return (contact) => contact.assignee?.id ?? null;
  if (field === 'created_at' || field === 'createdAt') return (contact) => contact.created_at;
  return (contact) => contact.custom_fields?.find((custom) => custom.name === field)?.value ?? null;
}

function tagCondition(operator: string, value: unknown): ContactFilter | string {
  if (operator === 'exists') return (contact) => (contact.tags ?? []).length > 0;
  if (operator === 'doesNotExist') return (contact) => (contact.tags ?? []).length === 0;
  if (!Array.isArray(value) || !value.every((tag) => typeof tag === 'string')) return 'a contactTag value is an array of tag names';
  const wanted = value as string[];
  switch (operator) {
    case 'hasAnyOf': return (contact) => wanted.some((tag) => (contact.tags ?? []).includes(tag));
    case 'hasAllOf': return (contact) => wanted.every((tag) => (contact.tags ?? []).includes(tag));
    case 'hasNoneOf': return (contact) => !wanted.some((tag) => (contact.tags ?? []).includes(tag));
    default: return `operator ${operator} does not apply to contactTag`;
  }
}

function valueCondition(operator: string, value: unknown, read: (contact: SimContact) => unknown): ContactFilter | string {
  const present = (v: unknown): boolean => v !== undefined && v !== null && v !== '';
  const same = (a: unknown, b: unknown): boolean => (present(a) ? String(a).toLowerCase() === String(b).toLowerCase() : b === null);
  const number = (v: unknown): number => (typeof v === 'number' ? v : Number(v));
  const range = isObject(value) ? { from: number(value.from), to: number(value.to) } : undefined;
  const list = Array.isArray(value) ? value.map((v) => String(v).toLowerCase()) : undefined;
  switch (operator) {
    case 'exists': return (contact) => present(read(contact));
    case 'doesNotExist': return (contact) => !present(read(contact));
    case 'isEqualTo': return (contact) => same(read(contact), value);
    case 'isNotEqualTo': return (contact) => !same(read(contact), value);
    case 'isGreaterThan':
    case 'isTimestampAfter':
      if (!Number.isFinite(number(value))) return `${operator} needs a number`;
      return (contact) => present(read(contact)) && number(read(contact)) > number(value);
    case 'isLessThan':
    case 'isTimestampBefore':
      if (!Number.isFinite(number(value))) return `${operator} needs a number`;
      return (contact) => present(read(contact)) && number(read(contact)) < number(value);
    case 'isBetween':
    case 'isTimestampBetween':
      if (!range || !Number.isFinite(range.from) || !Number.isFinite(range.to)) return `${operator} needs { "from", "to" }`;
      return (contact) => present(read(contact)) && number(read(contact)) >= range.from && number(read(contact)) <= range.to;
    case 'hasAnyOf':
    case 'hasNoneOf': {
      if (!list) return `${operator} needs an array of values`;
      const hit = (contact: SimContact): boolean => present(read(contact)) && list.includes(String(read(contact)).toLowerCase());
      return operator === 'hasAnyOf' ? hit : (contact) => !hit(contact);
    }
    default: return `operator ${operator} does not apply here`;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
