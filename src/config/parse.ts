import { isMap, LineCounter, parseDocument, type Document } from 'yaml';
import { z } from 'zod';
import { nearestName } from '../core/nearest-name.js';
import { plainMessage } from './plain-messages.js';
import { err, ok, type Result } from '../core/result.js';
import { configSchema } from './schema.js';
import type { Config, ConfigIssue } from './types.js';

/** Field path as people write it: `schedules.prewarm[0].cron`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else out += out === '' ? String(seg) : `.${String(seg)}`;
  }
  return out;
}

/** Validates an already-parsed object (e.g. from JSON or a test) against the schema. */
export function parseConfigObject(input: unknown): Result<Config, ConfigIssue[]> {
  const r = configSchema.safeParse(input ?? {}, { error: plainMessage });
  if (r.success) return ok(r.data as Config);
  return err(issuesFrom(r.error.issues));
}

/**
 * Parses and validates the text of `config.yaml`. Errors carry the field path and, where the YAML
 * shows it, the line, so a rejected hot reload can point at the exact typo.
 */
export function parseConfigYaml(text: string): Result<Config, ConfigIssue[]> {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    return err(
      doc.errors.map((e) => ({
        path: '',
        message: `YAML: ${e.message.split('\n')[0] ?? e.code}`,
        line: lines.linePos(e.pos[0]).line,
      })),
    );
  }
  let data: unknown;
  try {
    // toJS resolves aliases and can still fail (an alias to a missing anchor, an alias bomb).
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    return err([{ path: '', message: `YAML: ${e instanceof Error ? e.message : String(e)}` }]);
  }
  if (data !== null && data !== undefined && (typeof data !== 'object' || Array.isArray(data))) {
    return err([{ path: '', message: 'config.yaml must be a mapping of sections (engine, policy, policies, ...)' }]);
  }
  const r = configSchema.safeParse(data ?? {}, { error: plainMessage });
  if (r.success) return ok(r.data as Config);
  return err(issuesFrom(r.error.issues).map((i) => withLine(i, doc, lines)));
}

function issuesFrom(issues: readonly z.core.$ZodIssue[]): ConfigIssue[] {
  const out: ConfigIssue[] = [];
  for (const i of issues) {
    if (i.code === 'unrecognized_keys') {
      // One issue per unknown key, pointing at the key itself: that is where the typo is.
      const known = knownFieldsAt(i.path);
      for (const k of i.keys) {
        const near = nearestName(k, known);
        out.push({ path: formatPath([...i.path, k]), message: near !== undefined ? `unknown field; did you mean '${near}'?` : `unknown field (known here: ${known.join(', ')})` });
      }
    } else {
      out.push({ path: formatPath(i.path), message: i.message });
    }
  }
  return out;
}

interface JsonSchemaNode {
  readonly properties?: Readonly<Record<string, JsonSchemaNode>>;
  readonly items?: JsonSchemaNode;
  readonly additionalProperties?: JsonSchemaNode | boolean;
}

let configJsonSchema: JsonSchemaNode | undefined;

/** The field names the schema allows at `path` (a mapping's keys), for typo suggestions. */
function knownFieldsAt(path: readonly PropertyKey[]): string[] {
  configJsonSchema ??= z.toJSONSchema(configSchema, { io: 'input', unrepresentable: 'any' }) as JsonSchemaNode;
  let node: JsonSchemaNode | undefined = configJsonSchema;
  for (const seg of path) {
    if (node === undefined) break;
    if (typeof seg === 'number') node = node.items;
    else node = node.properties?.[String(seg)] ?? (typeof node.additionalProperties === 'object' ? node.additionalProperties : undefined);
  }
  return Object.keys(node?.properties ?? {});
}

function withLine(issue: ConfigIssue, doc: Document, lines: LineCounter): ConfigIssue {
  const segs = issue.path.match(/[^.[\]]+/g) ?? [];
  const path = segs.map((s) => (/^\d+$/.test(s) ? Number(s) : s));
  // Walk down as far as the document goes: a missing field is reported at its parent.
  for (let n = path.length; n > 0; n--) {
    const node = doc.getIn(path.slice(0, n), true) as { range?: [number, number, number] } | undefined;
    const parent = n > 1 ? doc.getIn(path.slice(0, n - 1), true) : doc.contents;
    let offset = node?.range?.[0];
    if (isMap(parent)) {
      // Prefer the key's position (for unknown keys the value may be on the next line).
      const pair = parent.items.find((p) => (p.key as { value?: unknown } | null)?.value === path[n - 1]);
      const keyRange = (pair?.key as { range?: [number, number, number] } | null)?.range;
      if (keyRange !== undefined) offset = keyRange[0];
    }
    if (offset !== undefined) return { ...issue, line: lines.linePos(offset).line };
  }
  return issue;
}

/** One line per issue, for logs and Events: `policies.predictive.riskBudget (line 7): must be ...`. */
export function formatIssues(issues: readonly ConfigIssue[]): string {
  return issues
    .map((i) => `${i.path === '' ? '(root)' : i.path}${i.line !== undefined ? ` (line ${i.line})` : ''}: ${i.message}`)
    .join('; ');
}
