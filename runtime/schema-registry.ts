import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { ConfigurationError } from './errors.js';
import { packageRoot } from './package-root.js';

/** A JSON Schema of schemas/: `title` is its name, `x-version` its version. */
export interface NamedSchema {
  $id: string;
  title: string;
  'x-version': string;
  description?: string;
  properties?: Record<string, Record<string, unknown>>;
  required?: string[];
  [keyword: string]: unknown;
}

/** One column of a row schema, in the words of the platform's connector pages. */
export interface ColumnDescription {
  name: string;
  dataType: string;
  allowNull: boolean;
  description: string;
}

export interface SchemaEntry {
  schema: NamedSchema;
  validate: ValidateFunction;
}

const JSON_TYPE_ID = 'urn:respondio-connectors:schema:json:1.0.0';

/**
 * Every schema of schemas/ in one Ajv instance; each validator is compiled once, on first use. Looked up by
 * name + version (the manifest's way) or by $id (the $ref way).
 */
export class SchemaRegistry {
  readonly ajv: Ajv2020;
  private readonly byKey = new Map<string, NamedSchema>();
  private readonly compiled = new Map<string, ValidateFunction>();

  constructor(schemas: NamedSchema[]) {
    this.ajv = new Ajv2020({ strict: true, allErrors: true, allowUnionTypes: true, verbose: true });
    addFormats.default(this.ajv);
    for (const keyword of ['x-version', 'x-secret', 'x-hint', 'x-enum-descriptions']) this.ajv.addKeyword(keyword);
    for (const schema of schemas) {
      const key = SchemaRegistry.key(schema.title, schema['x-version']);
      if (this.byKey.has(key)) throw new ConfigurationError('RC_SCHEMA_NOT_FOUND', `schema ${key} is defined twice`);
      this.byKey.set(key, schema);
      this.ajv.addSchema(schema);
    }
  }

  /** Reads every *.json of a folder (default: the package's schemas/). */
  static load(dir = join(packageRoot(), 'schemas')): SchemaRegistry {
    const files = readdirSync(dir).filter((name) => name.endsWith('.json')).sort();
    return new SchemaRegistry(files.map((name) => JSON.parse(readFileSync(join(dir, name), 'utf8')) as NamedSchema));
  }

  static key(name: string, version: string): string {
    return `${name} ${version}`;
  }

  has(name: string, version: string): boolean {
    return this.byKey.has(SchemaRegistry.key(name, version));
  }

  list(): NamedSchema[] {
    return [...this.byKey.values()];
  }

  get(name: string, version: string): SchemaEntry {
    const schema = this.byKey.get(SchemaRegistry.key(name, version));
    if (!schema) {
      const known = [...this.byKey.keys()].join(', ');
      throw new ConfigurationError('RC_SCHEMA_NOT_FOUND', `no schema "${name}" version ${version} (known: ${known})`);
    }
    let validate = this.compiled.get(schema.$id);
    if (!validate) {
      validate = this.ajv.getSchema(schema.$id) as ValidateFunction;
      this.compiled.set(schema.$id, validate);
    }
    return { schema, validate };
  }

  /** The schema with every `$ref` to another registered schema inlined: what a client without the registry needs. */
  resolved(name: string, version: string): NamedSchema {
    const inline = (node: unknown): unknown => {
      if (Array.isArray(node)) return node.map(inline);
      if (node === null || typeof node !== 'object') return node;
      const object = node as Record<string, unknown>;
      if (typeof object.$ref === 'string' && !object.$ref.startsWith('#')) {
        const target = this.ajv.getSchema(object.$ref)?.schema as Record<string, unknown> | undefined;
        if (!target) throw new ConfigurationError('RC_SCHEMA_NOT_FOUND', `unresolvable $ref ${object.$ref}`);
        const { $id: _id, $schema: _s, ...rest } = target;
        return inline(rest);
      }
      return Object.fromEntries(Object.entries(object).map(([k, v]) => [k, inline(v)]));
    };
    return inline(this.get(name, version).schema) as NamedSchema;
  }

  /**
   * The columns of a row schema, with the data type names of the platform (String, Integer, DateTime, JSON v1.0.0,
   * `<name> v<version>` for a nested schema of schemas/, `List of …` for an array). A simple schema (no properties,
   * like JSON 1.0.0) is one column named after it, as the platform's pages show it.
   */
  columns(name: string, version: string): ColumnDescription[] {
    const { schema } = this.get(name, version);
    const refName = (id: string): string | undefined => {
      const target = this.ajv.getSchema(id)?.schema as NamedSchema | undefined;
      return target ? `${target.title} v${target['x-version']}` : undefined;
    };
    if (schema.properties === undefined) {
      return [{ name: schema.title, dataType: dataTypeOf(schema, refName), allowNull: allowsNull(schema), description: schema.description ?? '' }];
    }
    return Object.entries(schema.properties).map(([column, spec]) => ({
      name: column,
      dataType: dataTypeOf(spec, refName),
      allowNull: allowsNull(spec),
      description: typeof spec.description === 'string' ? spec.description : '',
    }));
  }

  /**
   * Every schema of schemas/ a schema refers to, directly or through another, each once, in the order a reader meets
   * them (depth first, column order): the "nested" tables of a connector page.
   */
  nestedSchemas(name: string, version: string): NamedSchema[] {
    const found = new Map<string, NamedSchema>();
    const walk = (node: unknown): void => {
      if (Array.isArray(node)) return node.forEach(walk);
      if (node === null || typeof node !== 'object') return;
      const object = node as Record<string, unknown>;
      if (typeof object.$ref === 'string' && !object.$ref.startsWith('#') && !found.has(object.$ref)) {
        const target = this.ajv.getSchema(object.$ref)?.schema as NamedSchema | undefined;
        if (!target) throw new ConfigurationError('RC_SCHEMA_NOT_FOUND', `unresolvable $ref ${object.$ref}`);
        found.set(object.$ref, target);
        walk(target);
      }
      Object.values(object).forEach(walk);
    };
    walk(this.get(name, version).schema);
    return [...found.values()];
  }
}

function branches(spec: Record<string, unknown>): Record<string, unknown>[] {
  return Array.isArray(spec.anyOf) ? (spec.anyOf as Record<string, unknown>[]) : [spec];
}

function typesOf(spec: Record<string, unknown>): unknown[] {
  return branches(spec).flatMap((branch) => (Array.isArray(branch.type) ? branch.type : [branch.type]));
}

export function allowsNull(spec: Record<string, unknown>): boolean {
  return typesOf(spec).includes('null');
}

/** The platform's name of a column's type; `refName` names a `$ref` to another schema ("Respond.io - Filter v1.2.0"). */
export function dataTypeOf(spec: Record<string, unknown>, refName: (id: string) => string | undefined = () => undefined): string {
  if (branches(spec).some((branch) => branch.$ref === JSON_TYPE_ID)) return 'JSON v1.0.0';
  const ref = branches(spec).find((branch) => typeof branch.$ref === 'string')?.$ref as string | undefined;
  const named = ref === undefined ? undefined : refName(ref);
  if (named !== undefined) return named;
  if (branches(spec).some((branch) => branch.format === 'date-time')) return 'DateTime';
  const types = typesOf(spec).filter((type) => type !== 'null');
  if (types.length === 1 && types[0] === 'array' && spec.items !== null && typeof spec.items === 'object') {
    return `List of ${dataTypeOf(spec.items as Record<string, unknown>, refName)}`;
  }
  if (types.length === 1 && types[0] === 'integer') return 'Integer';
  if (types.length === 1 && types[0] === 'string') return 'String';
  if (types.length === 1 && types[0] === 'number') return 'Decimal';
  if (types.length === 1 && types[0] === 'boolean') return 'Boolean';
  return 'JSON';
}
