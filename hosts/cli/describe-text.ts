import type { ConfigurationDescription, ConnectorDescription, SchemaDescription } from '../../runtime/describe.js';
import { textTable } from './text-table.js';

const kebab = (value: string): string => value.toLowerCase().replace(/\s+/g, '-');

/** One connector as the platform's connector page shows it: badges, settings, input and output columns. */
export function describeText(connector: ConnectorDescription): string {
  const { badges } = connector;
  const parts = [
    `${connector.name}  (${connector.id})`,
    `  ${connector.description}`,
    `  Version ${connector.versionBadge} (${connector.version}) · Agent restriction: ${badges.agentRestriction} · ` +
      `Processing type: ${badges.processingType} · Multi-input step: ${badges.multiInputStep}`,
  ];
  if (connector.documentation) parts.push(`  Documentation: ${connector.documentation}`);
  parts.push('', configurationText('Connection', connector.configuration.Connection));
  parts.push(configurationText('Settings', connector.configuration.Settings));
  parts.push(columnsText('Input', connector.input), columnsText('Output', connector.output));
  return parts.join('\n');
}

function configurationText(title: string, block: ConfigurationDescription): string {
  const required = new Set(block.schema.required ?? []);
  const fields = Object.entries(block.schema.properties ?? {});
  const rows = fields.map(([field, spec]) => {
    const flags = [required.has(field) ? 'required' : 'optional', block.secretFields.includes(field) ? 'secret' : ''].filter(Boolean).join(', ');
    return [field, typeOf(spec), flags, spec.default === undefined ? '' : String(spec.default), String(spec.description ?? '')];
  });
  const values = fields.flatMap(([field, spec]) => valuesOf(field, spec));
  return `  ${title}: ${block.name} (schema ${block.schema.title} ${block.schema['x-version']})\n` +
    textTable(['Field', 'Type', 'Flags', 'Default', 'Description'], rows, '    ') +
    values.map((line) => `${line}\n`).join('');
}

function typeOf(spec: Record<string, unknown>): string {
  if (Array.isArray(spec.enum)) return 'one of';
  if (spec.format === 'uri') return 'URL';
  return typeof spec.type === 'string' ? spec.type : '';
}

/** An enum field's values, each with the kebab-case spelling the CLI also accepts and what it means. */
function valuesOf(field: string, spec: Record<string, unknown>): string[] {
  if (!Array.isArray(spec.enum)) return [];
  const meanings = (spec['x-enum-descriptions'] ?? {}) as Record<string, unknown>;
  const rows = spec.enum.map((value) => {
    const text = String(value);
    const meaning = typeof meanings[text] === 'string' ? meanings[text] : '';
    return [text, kebab(text), text === spec.default ? `(default) ${meaning}` : meaning];
  });
  return [`    ${field} values:`, ...textTable(['Value', 'Also accepted', 'Meaning'], rows, '      ').trimEnd().split('\n')];
}

function columnsText(title: string, schema: SchemaDescription): string {
  const rows = schema.columns.map((column) => [column.name, column.dataType, column.allowNull ? 'Yes' : 'No', column.description]);
  return `  ${title}: ${schema.name} ${schema.version}\n` + textTable(['Column', 'Data type', 'Allow null', 'Description'], rows, '    ');
}
