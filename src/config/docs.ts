import { z } from 'zod';
import { DEFAULT_QUERIES, SIGNALS } from '../adapters/prometheus/queries.js';
import { formatCpu, formatMemory } from './quantity.js';
import { configSchema } from './schema.js';

/** Markers around the generated parts of docs/configuration.md. */
export const GENERATED = {
  reference: ['<!-- BEGIN GENERATED: config-reference (node --import tsx src/config/write-docs.ts) -->', '<!-- END GENERATED: config-reference -->'],
  promql: ['<!-- BEGIN GENERATED: promql-defaults (node --import tsx src/config/write-docs.ts) -->', '<!-- END GENERATED: promql-defaults -->'],
} as const;

interface JsonSchema {
  readonly type?: string | readonly string[];
  readonly description?: string;
  readonly default?: unknown;
  readonly properties?: Readonly<Record<string, JsonSchema>>;
  readonly items?: JsonSchema;
  readonly required?: readonly string[];
  readonly enum?: readonly unknown[];
  readonly anyOf?: readonly JsonSchema[];
}

/** One documented field. */
export interface FieldDoc {
  readonly path: string;
  readonly type: string;
  readonly defaultText: string;
  readonly description: string;
}

/** 'memory' / 'cpu' for a quantity field (a string-or-number union named like one), else undefined. */
function quantityKind(s: JsonSchema, path: string): 'memory' | 'cpu' | undefined {
  const union = typeof s.type !== 'string' && s.type?.includes('string') === true && s.type.includes('number');
  if (!union) return undefined;
  if (/(^|\.)memory$|Bytes$/.test(path)) return 'memory';
  if (/(^|\.)cpu$|Cores$/.test(path)) return 'cpu';
  return undefined;
}

function typeText(s: JsonSchema, path: string): string {
  if (s.enum !== undefined) return s.enum.map((v) => `\`${String(v)}\``).join(' \\| ');
  const q = quantityKind(s, path);
  if (q !== undefined) return q === 'memory' ? 'quantity (bytes)' : 'quantity (cores)';
  const t = typeof s.type === 'string' ? s.type : s.type !== undefined ? s.type.join(' \\| ') : 'any';
  return t === 'array' ? 'list' : t;
}

function defaultText(s: JsonSchema, path: string, required: boolean): string {
  if (!('default' in s)) return required ? '(required)' : '(unset)';
  const d = s.default;
  const q = quantityKind(s, path);
  if (typeof d === 'number' && q === 'memory') return `\`${formatMemory(d)}\``;
  if (typeof d === 'number' && q === 'cpu') return `\`${formatCpu(d)}\``;
  if (d === '') return '`""`';
  return `\`${typeof d === 'string' ? d : JSON.stringify(d)}\``;
}

/** Every leaf field of the config schema with its type, default and meaning, in schema order. */
export function configFields(): FieldDoc[] {
  const root = z.toJSONSchema(configSchema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  const out: FieldDoc[] = [];
  walk(root, '', false, '', out);
  return out;
}

function walk(s: JsonSchema, path: string, required: boolean, parentDesc: string, out: FieldDoc[]): void {
  if (s.properties !== undefined && Object.keys(s.properties).length > 0) {
    for (const [k, child] of Object.entries(s.properties)) {
      walk(child, path === '' ? k : `${path}.${k}`, s.required?.includes(k) ?? false, s.description ?? '', out);
    }
    return;
  }
  if (s.type === 'array' && s.items?.properties !== undefined) {
    out.push({ path, type: 'list', defaultText: defaultText(s, path, required), description: s.description ?? '' });
    for (const [k, child] of Object.entries(s.items.properties)) {
      walk(child, `${path}[].${k}`, s.items.required?.includes(k) ?? false, '', out);
    }
    return;
  }
  out.push({ path, type: typeText(s, path), defaultText: defaultText(s, path, required), description: leafDescription(s, path, parentDesc) });
}

/** A resource's memory/cpu leaf says what the resource is for; policy options point at their source. */
function leafDescription(s: JsonSchema, path: string, parentDesc: string): string {
  const part = quantityKind(s, path);
  if (part !== undefined && /\.(memory|cpu)$/.test(path) && parentDesc !== '') return `${parentDesc.replace(/\.$/, '')}: ${part}.`;
  if (s.description !== undefined) return s.description;
  const policy = /^policies\.(\w+)\./.exec(path)?.[1];
  return policy !== undefined ? `See the \`${policy}\` policy options in src/policy/.` : '';
}

const cell = (t: string): string => t.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** The reference table(s): one per top-level section. */
export function configReferenceMarkdown(): string {
  const root = z.toJSONSchema(configSchema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  const fields = configFields();
  const lines: string[] = [];
  for (const section of Object.keys(root.properties ?? {})) {
    const rows = fields.filter((f) => f.path === section || f.path.startsWith(`${section}.`));
    lines.push(`### \`${section}\``, '', root.properties?.[section]?.description ?? '', '');
    lines.push('| Field | Type | Default | Meaning |', '| --- | --- | --- | --- |');
    for (const f of rows) {
      const desc = f.description.replace(/\|/g, '\\|').replace(/\n/g, ' ');
      lines.push(`| \`${f.path}\` | ${f.type} | ${f.defaultText} | ${desc} |`);
    }
    lines.push('');
  }
  return lines.join('\n').trimEnd();
}

/** The default PromQL per signal and naming scheme, as templates. */
export function promqlDefaultsMarkdown(): string {
  const lines: string[] = [];
  for (const names of ['cadvisor', 'otel-genai'] as const) {
    lines.push(`#### \`metricNames: ${names}\``, '', '| Signal | PromQL template |', '| --- | --- |');
    for (const s of SIGNALS) lines.push(`| \`${s}\` | \`${cell(DEFAULT_QUERIES[names][s])}\` |`);
    lines.push('');
  }
  return lines.join('\n').trimEnd();
}

/** Replaces the text between a pair of markers; the markers must be present. */
export function splice(doc: string, [begin, end]: readonly [string, string], body: string): string {
  const i = doc.indexOf(begin);
  const j = doc.indexOf(end);
  if (i < 0 || j < i) throw new Error(`markers ${begin} … ${end} not found`);
  return `${doc.slice(0, i + begin.length)}\n${body}\n${doc.slice(j)}`;
}

/** The whole document with both generated parts brought up to date. */
export function renderConfigDoc(current: string): string {
  return splice(splice(current, GENERATED.reference, configReferenceMarkdown()), GENERATED.promql, promqlDefaultsMarkdown());
}
